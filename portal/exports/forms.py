"""The import form: a file, required; its size, encoding and rows are the importer's to judge."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired

from portal.core.forms import Form


class ImportForm(Form):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to import.")],
                     description="UTF-8, with a header row naming the columns (see the template).")
