import { lessonSuite } from "./lessonSuite";

lessonSuite("06-adaptive-methods.ipynb");
