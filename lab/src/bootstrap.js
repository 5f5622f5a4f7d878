// Entry of the lab bundle. Everything else sits behind this import(): webpack fills the shared
// scope (the singletons prebuilt extensions consume) before any module that uses it runs.
import("./index.js")
  .then((m) => m.main())
  .catch((err) => {
    console.error("lab: failed to start", err);
    throw err;
  });
