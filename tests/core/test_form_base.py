"""Every form the portal shows answers a refused submission with 422: they all share the base form that says so."""

from __future__ import annotations

import importlib
import pkgutil

from flask_wtf import FlaskForm

import portal
from portal.core.forms import Form


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found | {deeper for sub in found for deeper in _subclasses(sub)}


def test_every_portal_form_inherits_the_base_form_that_answers_422():
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        importlib.import_module(module.name)

    strays = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in _subclasses(FlaskForm)
                    if cls.__module__.startswith("portal.") and not issubclass(cls, Form))

    assert strays == [], "inherit portal.core.forms.Form instead of FlaskForm"


def test_a_refused_form_keeps_the_input_and_answers_422(client):
    response = client.post("/login", data={"email": "someone@example.org", "password": ""})

    assert response.status_code == 422
    assert 'value="someone@example.org"' in response.get_data(as_text=True)


def test_a_page_view_with_a_form_is_still_200(client):
    assert client.get("/login").status_code == 200
