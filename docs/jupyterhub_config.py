# jupyterhub_config.py: a course on the optlab kernel with Debian's jupyterhub 3.0.
#
# Students are Unix accounts on this machine (PAM login, JupyterHub's default authenticator) and
# each gets a single-user Jupyter server running as themselves (LocalProcessSpawner, the default).
# The optlab kernelspec and widgets extension come from `optlab install --prefix /usr/local`,
# which Debian's Jupyter searches (/usr/local/share/jupyter); the student notebooks come from
# `optlab course build` and are copied into each home on the first start. See docs/jupyterhub.md.
#
# Run as root:  jupyterhub -f /etc/jupyterhub/jupyterhub_config.py
import os
import pwd
import shutil

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
c.Spawner.cmd = ["/usr/bin/jupyterhub-singleuser"]  # Debian's, whatever python3 comes first on PATH
c.Spawner.environment = {"PYTHONPATH": OPTLAB_LAB_DIR}
c.Spawner.args = ["--ServerApp.jpserver_extensions=launcher=True"]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = f"/lab/tree/{COURSE_FOLDER}"


def home_of(spawner):
    """The student's home: the spawner's own idea of it (SimpleLocalProcessSpawner) or the passwd entry."""
    home = getattr(spawner, "home_dir", None)
    return home if home else pwd.getpwnam(spawner.user.name).pw_dir


def owner_of(name):
    """(uid, gid) of a Unix account, or None where the user has no account (test spawners)."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def copy_lessons(spawner):
    """Copies the course files a student does not have yet into ~/course; never overwrites their work."""
    if not os.path.isdir(COURSE_STUDENT_DIR):
        spawner.log.warning("optlab course: %s does not exist; run optlab course build", COURSE_STUDENT_DIR)
        return
    dest = os.path.join(home_of(spawner), COURSE_FOLDER)
    owner = owner_of(spawner.user.name)
    os.makedirs(dest, exist_ok=True)
    if owner and os.geteuid() == 0:
        os.chown(dest, *owner)
    for name in sorted(os.listdir(COURSE_STUDENT_DIR)):
        target = os.path.join(dest, name)
        if not os.path.isfile(os.path.join(COURSE_STUDENT_DIR, name)) or os.path.exists(target):
            continue
        shutil.copyfile(os.path.join(COURSE_STUDENT_DIR, name), target)
        if owner and os.geteuid() == 0:
            os.chown(target, *owner)
        spawner.log.info("optlab course: gave %s to %s", name, spawner.user.name)


c.Spawner.pre_spawn_hook = copy_lessons
