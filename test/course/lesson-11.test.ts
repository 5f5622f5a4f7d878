import { lessonSuite } from "./lessonSuite";

lessonSuite("11-neural-collapse.ipynb");
