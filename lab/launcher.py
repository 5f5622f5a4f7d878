#!/usr/bin/python3
"""Serves the JupyterLab front end built by lab/build.mjs with Debian's jupyter-server and
jupyterlab_server (python3-jupyterlab-server).

Prebuilt extensions come from <each JUPYTER_PATH entry>/labextensions (jupyterlab_server's
default), so `optlab install --prefix P` plus JUPYTER_PATH=P/share/jupyter makes both the optlab
kernelspec and its widget extension visible. Any jupyter-server option passes through, e.g.
`python3 lab/launcher.py --port=8888 --ServerApp.token=secret --ServerApp.root_dir=/tmp/nb`.
"""
import os

from jupyter_core.paths import jupyter_config_dir
from jupyterlab_server import LabServerApp
from traitlets import Unicode, default

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")


class OptlabLabApp(LabServerApp):
    """JupyterLab at /lab from lab/build (static files under /static/optlab_lab/)."""

    name = "optlab_lab"
    app_name = Unicode("JupyterLab")
    default_url = Unicode("/lab")
    # Only this front end: a system-wide jupyterlab server extension would compete for /lab.
    load_other_extensions = False

    @default("app_version")
    def _app_version(self):
        import json

        with open(os.path.join(BUILD, "stamp.json")) as f:
            return json.load(f)["jupyterlab"]

    @default("static_dir")
    def _static_dir(self):
        return os.path.join(BUILD, "static")

    @default("templates_dir")
    def _templates_dir(self):
        return os.path.join(HERE, "templates")

    @default("schemas_dir")
    def _schemas_dir(self):
        return os.path.join(BUILD, "schemas")

    @default("themes_dir")
    def _themes_dir(self):
        return os.path.join(BUILD, "themes")

    @default("user_settings_dir")
    def _user_settings_dir(self):
        return os.path.join(jupyter_config_dir(), "lab", "user-settings")

    @default("workspaces_dir")
    def _workspaces_dir(self):
        return os.path.join(jupyter_config_dir(), "lab", "workspaces")

    def initialize_settings(self):
        if not os.path.exists(os.path.join(BUILD, "static", "main.js")):
            raise SystemExit(f"{BUILD} has no build: run `npm ci && npm run build` in {HERE}")
        super().initialize_settings()
        # JupyterLab's front end reads its server's base URL from the page config (PageConfig.getBaseUrl,
        # "/" when absent); jupyterlab_server does not put it there, so under a prefix such as
        # JupyterHub's /user/<name>/ every API call would miss the server.
        page_config = self.serverapp.web_app.settings.setdefault("page_config_data", {})
        page_config.setdefault("baseUrl", self.serverapp.base_url)


def _jupyter_server_extension_points():
    # jupyter-server finds the app through the module it was started from (this script).
    return [{"module": __name__, "app": OptlabLabApp}]


main = OptlabLabApp.launch_instance

if __name__ == "__main__":
    main()
