import { lessonSuite } from "./lessonSuite";

lessonSuite("03-momentum.ipynb");
