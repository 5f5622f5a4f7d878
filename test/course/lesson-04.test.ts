import { lessonSuite } from "./lessonSuite";

lessonSuite("04-newton-lbfgs.ipynb");
