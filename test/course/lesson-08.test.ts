import { lessonSuite } from "./lessonSuite";

lessonSuite("08-hessian-spectrum.ipynb");
