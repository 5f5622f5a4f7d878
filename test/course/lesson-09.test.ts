import { lessonSuite } from "./lessonSuite";

lessonSuite("09-edge-of-stability.ipynb");
