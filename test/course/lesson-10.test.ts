import { lessonSuite } from "./lessonSuite";

lessonSuite("10-ntk-lazy-training.ipynb");
