import { lessonSuite } from "./lessonSuite";

lessonSuite("01-gradient-descent.ipynb");
