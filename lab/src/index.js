/**
 * Starts JupyterLab: loads the prebuilt (federated) extensions the server lists in the page config
 * (jupyterlab_server reads them from <JUPYTER_PATH>/labextensions), registers them next to the
 * source-built plugins of build/extensions.js, and starts the app.
 */
import { PageConfig, URLExt } from "@jupyterlab/coreutils";
import { JupyterLab } from "@jupyterlab/application";
import { extensions, mimeExtensions } from "@optlab-lab/build/extensions.js";

/** Loads a remoteEntry script; it defines window._JUPYTERLAB[name], a webpack container. */
function loadScript(url) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = url;
    s.async = true;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`lab: could not load ${url}`));
    document.head.appendChild(s);
  });
}

/** The container of a prebuilt extension, initialised with this app's shared scope. */
async function loadContainer(data) {
  await loadScript(URLExt.join(PageConfig.getOption("fullLabextensionsUrl"), data.name, data.load));
  await __webpack_init_sharing__("default");
  const container = window._JUPYTERLAB[data.name];
  await container.init(__webpack_share_scopes__.default);
  return container;
}

async function fromContainer(container, exposed) {
  const factory = await container.get(exposed);
  return factory();
}

/** Plugins of a module whose ids are not disabled by the page config. */
function enabled(mod) {
  const exported = mod.default ?? mod;
  const plugins = Array.isArray(exported) ? exported : [exported];
  return plugins.filter((p) => !PageConfig.Extension.isDisabled(p.id));
}

export async function main() {
  const federated = JSON.parse(PageConfig.getOption("federated_extensions") || "[]");
  const plugins = [];
  const mimes = [];
  for (const [, mod] of extensions) plugins.push(...enabled(mod));
  for (const [, mod] of mimeExtensions) mimes.push(...enabled(mod));
  // A broken prebuilt extension must not stop the app: report it and carry on, as JupyterLab does.
  const loaded = await Promise.allSettled(
    federated.map(async (data) => {
      const container = await loadContainer(data);
      if (data.style) await fromContainer(container, data.style);
      return {
        name: data.name,
        extension: data.extension ? await fromContainer(container, data.extension) : undefined,
        mimeExtension: data.mimeExtension ? await fromContainer(container, data.mimeExtension) : undefined,
      };
    }),
  );
  for (const r of loaded) {
    if (r.status === "rejected") {
      console.error("lab: a prebuilt extension failed to load", r.reason);
      continue;
    }
    if (r.value.extension) plugins.push(...enabled(r.value.extension));
    if (r.value.mimeExtension) mimes.push(...enabled(r.value.mimeExtension));
  }
  const lab = new JupyterLab({ mimeExtensions: mimes });
  lab.registerPlugins(plugins);
  // For the e2e test: which prebuilt extensions loaded.
  window.jupyterapp = lab;
  window.labFederated = loaded.map((r, i) => ({ name: federated[i].name, ok: r.status === "fulfilled" }));
  await lab.start({ ignorePlugins: PageConfig.getOption("ignorePlugins") ? JSON.parse(PageConfig.getOption("ignorePlugins")) : [], bubblingKeydown: true });
  await lab.restored;
  document.body.dataset.labRestored = "true";
}
