import { lessonSuite } from "./lessonSuite";

lessonSuite("02-conditioning.ipynb");
