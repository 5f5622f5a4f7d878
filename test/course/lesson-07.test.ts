import { lessonSuite } from "./lessonSuite";

lessonSuite("07-schedules.ipynb");
