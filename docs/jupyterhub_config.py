# jupyterhub_config.py: a course on the optlab kernel with Debian's jupyterhub 3.0.
#
# Students are Unix accounts on this machine (PAM login, JupyterHub's default authenticator) and
# each gets a single-user Jupyter server running as themselves (LocalProcessSpawner, the default).
# The optlab kernelspec and widgets extension come from `optlab install --prefix /usr/local`,
# which Debian's Jupyter searches (/usr/local/share/jupyter); the student notebooks come from
# `optlab course build` and are copied into each home when its server starts. See docs/jupyterhub.md.
#
# Run as root:  jupyterhub -f /etc/jupyterhub/jupyterhub_config.py
import os

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

# The student versions written by `optlab course build --out /srv/optlab-course` (student/*.ipynb).
COURSE_STUDENT_DIR = os.environ.get("OPTLAB_COURSE_DIR", "/srv/optlab-course/student")
# Folder, inside each home, that receives the lessons.
COURSE_FOLDER = "course"
# Unix group of the students (create it and add the accounts: addgroup students; adduser alice students).
STUDENTS_GROUP = "students"

c.JupyterHub.bind_url = "http://:8000"  # put HTTPS in front (see /usr/share/doc/jupyterhub/README.Debian.md)
c.JupyterHub.db_url = "sqlite:////var/lib/jupyterhub/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "/var/lib/jupyterhub/jupyterhub_cookie_secret"

# Debian's configurable-http-proxy (node-configurable-http-proxy) loads its modules from
# /usr/share/nodejs, a folder only Debian's own node build searches. optlab needs node >= 20, so
# /usr/bin/node is often another build (NodeSource's), and the proxy then dies with
# "Cannot find module 'commander'". NODE_PATH gives it the folder back, for the proxy only.
c.ConfigurableHTTPProxy.command = ["env", "NODE_PATH=/usr/share/nodejs", "configurable-http-proxy"]

# Who may log in: the members of STUDENTS_GROUP (put the teacher's account in it too). The
# teacher is an admin: they can open, start and stop any student's server from /hub/admin.
c.PAMAuthenticator.allowed_groups = {STUDENTS_GROUP}
c.Authenticator.admin_users = {"teacher"}

# The students' front end. Debian packages no JupyterLab: this repository's lab/ is JupyterLab 4
# built from the npm packages (cd lab && npm ci && npm run build), served by Debian's
# jupyterlab_server as a jupyter-server extension (lab/launcher.py) of every single-user server.
# It loads prebuilt extensions, @optlab/widgets among them, from <Jupyter path>/labextensions.
OPTLAB_LAB_DIR = os.environ.get("OPTLAB_LAB_DIR", "/opt/optlab/lab")
c.Spawner.environment = {"PYTHONPATH": OPTLAB_LAB_DIR, "OPTLAB_COURSE_DIR": COURSE_STUDENT_DIR}
c.Spawner.args = ["--ServerApp.jpserver_extensions=launcher=True"]
c.Spawner.notebook_dir = "~"

# The lessons: before the server starts, as the student (so never with root's rights inside a
# home the student controls), the course files they do not have yet are copied into
# ~/course; cp -n never overwrites their work. A lesson published later appears at the next
# start. Then Debian's single-user server (not whatever python3 comes first on PATH) takes over.
COPY_LESSONS = (
    f'mkdir -p "$HOME/{COURSE_FOLDER}" && cp -Rn "$OPTLAB_COURSE_DIR/." "$HOME/{COURSE_FOLDER}/"; '
    'exec /usr/bin/jupyterhub-singleuser "$@"'
)
c.Spawner.cmd = ["/bin/sh", "-c", COPY_LESSONS, "jupyterhub-singleuser"]
c.Spawner.default_url = f"/lab/tree/{COURSE_FOLDER}"
