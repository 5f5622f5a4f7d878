import { lessonSuite } from "./lessonSuite";

lessonSuite("12-modern-optimizers.ipynb");
