"""What each gunicorn worker would otherwise do on its first requests, done once in the master before it forks.

With `preload_app` the master imports the portal and forks the workers from it; whatever the
master has already built, every worker starts with. Without this, each worker compiles every
template, fills the URL resolver and reads the translation catalogs on its first requests, and
those requests take a second or more (bench/README.md, the first 15 seconds of a run).
"""

from pathlib import Path

from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver
from django.utils import translation


def _compile(get_template, directories, *, skip_broken=False) -> int:
    compiled = 0
    for directory in directories:
        for path in Path(directory).rglob("*.html"):
            try:
                get_template(path.relative_to(directory).as_posix())
            except (TemplateDoesNotExist, TemplateSyntaxError):
                if not skip_broken:
                    raise
                # A third-party template for a library the portal does not install (an optional
                # part of a pack): never rendered here, so it need not compile either.
                continue
            compiled += 1
    return compiled


def warm() -> int:
    """Compile the templates into the cached loaders, fill the URL resolver, load the catalogs; the number of templates.

    A broken template of the portal stops the start here, before a user meets it.
    """
    translation.activate(settings.LANGUAGE_CODE)
    get_resolver().reverse_dict  # noqa: B018 — the property builds the resolver's tables
    compiled = 0
    for engine in engines.all():
        compiled += _compile(engine.get_template, engine.template_dirs)
        compiled += _compile(engine.get_template, get_app_template_dirs("templates"), skip_broken=True)
    # Widgets render through the form renderer's own engine (django/forms/templates).
    renderer = get_default_renderer()
    compiled += _compile(renderer.get_template, renderer.engine.template_dirs, skip_broken=True)
    translation.deactivate()
    return compiled
