import { lessonSuite } from "./lessonSuite";

lessonSuite("05-stochastic-gradients.ipynb");
