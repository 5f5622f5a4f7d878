/**
 * Course notebooks: the exercise cell conventions (conventions.ts), the student/teacher versions
 * (`optlab course build`) and autograding of submissions (`optlab grade`).
 */
export { SOLUTION_TAG, STUDENT_TODO_TAG, SELF_CHECK_TAG, HIDDEN_CHECK_TAG, CourseError, hiddenChecks, lessonNumber } from "./conventions";
export type { HiddenCheck, Exercise } from "./conventions";
export { studentVersion, teacherVersion, stubSource } from "./studentVersion";
export { buildCourse } from "./build";
export type { CourseBuildOptions, LessonBuild } from "./build";
export { gradeSubmissions, insertHiddenChecks, reportMarkdown } from "./grade";
export type { GradeOptions, GradeResult, StudentGrade, ExerciseGrade } from "./grade";
export { executeAllowingErrors } from "./executeAll";
export type { AllowErrorsRun, CellOutcome } from "./executeAll";
export { listLessons, findLesson } from "./lessons";
export { courseCommand, gradeCommand, COURSE_USAGE, CourseUsageError } from "./cli";
