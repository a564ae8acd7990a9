"""Importing ideas from CSV: read and check every row first (the preview), then write them (portal.exports.progress).

The file is kept in an ImportBatch between the two steps, and read again on confirmation and for each chunk, so
the import acts on the portal as it is then (a status renamed meanwhile turns into a row error, not a crash).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from sqlalchemy import func, select, update

from portal.accounts.models import User
from portal.accounts.services import normalize_email
from portal.core.models import utcnow
from portal.core.text import slugify, text_problem
from portal.errors import NotFound, ValidationError
from portal.exports.ideas_csv import FORMULA_STARTS
from portal.exports.models import ImportBatch
from portal.extensions import db
from portal.ideas.models import BODY_MAX, TITLE_MAX, TITLE_MIN, Idea, Vote
from portal.markup import plain_text, render_markdown
from portal.permissions import Role, can_import_ideas, require
from portal.prototypes.models import Product, Prototype
from portal.search.index import reindex_ideas
from portal.triage.models import Status, Tag
from portal.triage.statuses import DEFAULT_STATUSES, initial_status

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2_000  # about 5 s of CPU to check and write on one core, written in chunks (portal.exports.progress)
TEMPLATE_COLUMNS = ["title", "description", "product", "prototype", "status", "tags", "author_email", "author",
                    "created_at"]
NAME_MAX = 80
TAG_MAX = 40


@dataclass
class PlannedIdea:
    """One CSV row as it will be written, or the reasons it can't be."""

    line: int
    title: str = ""
    body: str = ""
    product: str = ""
    prototype: str = ""
    status: str = ""
    tags: list[str] = field(default_factory=list)
    author_email: str = ""
    author_name: str = ""
    created_at: datetime | None = None
    errors: list[str] = field(default_factory=list)
    shown_title: str = ""  # what the file said, for the preview, even when it is not a valid title
    body_html: str = ""  # rendered while checking, so the import does not render it again


@dataclass
class Preview:
    rows: list[PlannedIdea]
    problems: list[str] = field(default_factory=list)  # about the file as a whole
    new_products: set[str] = field(default_factory=set)
    new_prototypes: set[str] = field(default_factory=set)
    new_tags: set[str] = field(default_factory=set)
    new_contacts: set[str] = field(default_factory=set)
    more: bool = False  # a window read stopped with ready rows still to come

    @property
    def ready(self) -> list[PlannedIdea]:
        return [] if self.problems else [row for row in self.rows if not row.errors]

    @property
    def with_errors(self) -> list[PlannedIdea]:
        return [row for row in self.rows if row.errors]


def template_csv() -> str:
    """The downloadable template: the columns and two example rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow(["Longer battery life", "Our pupils' laptops die before the last lesson.", "Kestrel",
                     "Kestrel v2", "Under review", "battery, hardware", "teacher@example.com", "A. Teacher",
                     "2026-01-31"])
    writer.writerow(["Offline lesson packs", "", "Kestrel", "Kestrel v2", "", "", "", "", ""])
    return buffer.getvalue()


def _unneutralise(value: str) -> str:
    """Our own exports prefix would-be formulas with an apostrophe; importing them takes it off again."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": "Save the file as CSV in UTF-8 (it holds bytes that are not UTF-8)."}) from exc


def _date(raw: str, row: PlannedIdea) -> None:
    if not raw:
        return
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00")) if len(raw) > 10 else \
            datetime.combine(datetime.fromisoformat(raw).date(), time(12), UTC)
    except ValueError:
        row.errors.append(f"created_at “{raw[:40]}” is not a date like 2026-01-31 or 2026-01-31T09:30:00Z.")
        return
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    if value > utcnow():
        row.errors.append("created_at is in the future.")
    else:
        row.created_at = value.astimezone(UTC)


@dataclass
class _Known:
    """What the portal has now, read once per preview: names lower-cased to rows."""

    products: dict[str, Product]
    prototypes: dict[tuple[int, str], Prototype]
    statuses: dict[str, Status]
    tags: dict[str, Tag]
    titles: set[tuple[str, str, str]]

    @classmethod
    def load(cls) -> _Known:
        products = {p.name.lower(): p for p in db.session.scalars(select(Product))}
        products |= {p.slug: p for p in products.values()}
        prototypes = {(p.product_id, p.name.lower()): p for p in db.session.scalars(select(Prototype))}
        prototypes |= {(p.product_id, p.slug): p for p in list(prototypes.values())}
        rows = db.session.execute(select(Idea.title, Prototype.name, Product.name)
                                  .join(Prototype, Prototype.id == Idea.prototype_id)
                                  .join(Product, Product.id == Idea.product_id))
        titles = {(product.lower(), prototype.lower(), title.lower()) for title, prototype, product in rows}
        statuses = {s.name.lower(): s for s in db.session.scalars(select(Status))}
        # A portal without ideas has no statuses yet; the import installs the defaults (as a first idea would),
        # and the preview, which writes nothing, checks against their names.
        statuses = statuses or {name.lower(): Status(name=name, kind=kind) for name, _, kind, _ in DEFAULT_STATUSES}
        return cls(products=products, prototypes=prototypes, statuses=statuses,
                   tags={t.name.lower(): t for t in db.session.scalars(select(Tag))}, titles=titles)


def _text(value: str, label: str, row: PlannedIdea, *, min_len: int = 0, max_len: int,
          multiline: bool = False) -> str:
    problem = text_problem(value, min_len=min_len, max_len=max_len, multiline=multiline)
    if problem:
        row.errors.append(f"{label}: {problem}")
        return ""
    return value.strip()


def _where(cells: dict[str, str], row: PlannedIdea, known: _Known, preview: Preview) -> None:
    only_product = next(iter({p.id: p for p in known.products.values()}.values())) \
        if len({p.id for p in known.products.values()}) == 1 else None
    row.product = _text(cells.get("product", ""), "product", row, max_len=NAME_MAX) or (
        only_product.name if only_product else "")
    row.prototype = _text(cells.get("prototype", ""), "prototype", row, max_len=NAME_MAX)
    if not row.product:
        row.errors.append("product: name the product (the portal has several, or none yet).")
    if not row.prototype:
        row.errors.append("prototype: name the prototype the idea is about.")
    if row.errors:
        return
    product = known.products.get(row.product.lower())
    if product is None:
        preview.new_products.add(row.product)
    prototype = known.prototypes.get((product.id, row.prototype.lower())) if product else None
    if prototype is None:
        preview.new_prototypes.add(f"{row.prototype} ({row.product})")


def _status_and_tags(cells: dict[str, str], row: PlannedIdea, known: _Known, preview: Preview) -> None:
    status = cells.get("status", "").strip()
    if status and status.lower() not in known.statuses:
        names = ", ".join(sorted(s.name for s in known.statuses.values()))
        row.errors.append(f"status “{status[:40]}” does not exist; use one of: {names}.")
    row.status = status
    for name in (t.strip() for t in cells.get("tags", "").split(",")):
        if not name:
            continue
        if len(name) > TAG_MAX or text_problem(name, max_len=TAG_MAX):
            row.errors.append(f"tag “{name[:40]}…” is longer than {TAG_MAX} characters or holds control characters.")
        elif name.lower() not in {t.lower() for t in row.tags}:
            row.tags.append(name)
            if name.lower() not in known.tags:
                preview.new_tags.add(name)


def _author(cells: dict[str, str], row: PlannedIdea, preview: Preview) -> None:
    raw = cells.get("author_email", "").strip()
    row.author_name = _text(cells.get("author", ""), "author", row, max_len=60)
    if not raw:
        return
    try:
        row.author_email = normalize_email(raw)
    except ValidationError:
        row.errors.append(f"author_email “{raw[:60]}” is not an email address.")
        return
    if db.session.scalar(select(User.id).where(User.email == row.author_email)) is None:
        preview.new_contacts.add(row.author_email)


def _row(line: int, cells: dict[str, str], known: _Known, preview: Preview, seen: set) -> PlannedIdea:
    row = PlannedIdea(line=line, shown_title=" ".join(cells.get("title", "").split())[:TITLE_MAX])
    row.title = " ".join(_text(cells.get("title", ""), "title", row, min_len=TITLE_MIN, max_len=TITLE_MAX).split())
    body = _text(cells.get("description", "").replace("\r\n", "\n"), "description", row, max_len=BODY_MAX,
                 multiline=True)
    try:
        row.body_html = render_markdown(body, "description")
        row.body = body
    except ValidationError as exc:
        row.errors.extend(f"description: {message}" for message in exc.errors.values())
    _where(cells, row, known, preview)
    _status_and_tags(cells, row, known, preview)
    _author(cells, row, preview)
    _date(cells.get("created_at", "").strip(), row)
    key = (row.product.lower(), row.prototype.lower(), row.title.lower())
    if row.title and key in known.titles:
        row.errors.append("an idea with this title already exists on that prototype.")
    elif row.title and key in seen:
        row.errors.append("the same title for the same prototype appears earlier in the file.")
    seen.add(key)
    return row


def _skipped_key(cells: dict[str, str], known: _Known) -> tuple[str, str, str]:
    """A row already behind an import's progress is not checked again, but its title still counts as seen."""
    products = {p.id: p for p in known.products.values()}
    only = next(iter(products.values())).name if len(products) == 1 else ""
    return ((cells.get("product", "").strip() or only).lower(), cells.get("prototype", "").strip().lower(),
            " ".join(cells.get("title", "").split()).lower())


def read_csv(text: str, *, after_line: int = 0, limit: int | None = None) -> Preview:
    """Check every row against the portal as it is now; nothing is written.

    An import in chunks reads a window: rows up to `after_line` are skipped, and reading stops once `limit` rows
    are ready (`more` then says whether any ready row follows)."""
    preview = Preview(rows=[])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        preview.problems.append(f"The file is not valid CSV: {exc}.")
        return preview
    if "title" not in header:
        preview.problems.append("The first row must name the columns, with at least “title” (download the "
                                "template to see them all).")
        return preview
    _read_rows(reader, header, preview, after_line, limit)
    if not preview.rows and not preview.problems and not after_line:
        preview.problems.append("The file has no ideas under its header row.")
    return preview


def _read_rows(reader, header: list[str], preview: Preview, after_line: int, limit: int | None) -> None:
    known, seen, count, ready = _Known.load(), set(), 0, 0
    try:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            count += 1
            if count > MAX_ROWS:
                preview.problems.append(f"The file has more than {MAX_ROWS:,} ideas; split it into smaller files.")
                break
            cells = {name: _unneutralise(value) for name, value in zip(header, values, strict=False)}
            if number <= after_line:
                seen.add(_skipped_key(cells, known))
                continue
            row = _row(number, cells, known, preview, seen)
            if not row.errors and limit is not None and ready == limit:
                preview.more = True
                break
            ready += not row.errors
            preview.rows.append(row)
    except csv.Error as exc:
        preview.problems.append(f"The file is not valid CSV near line {reader.line_num}: {exc}.")


def upload(actor: User, filename: str, data: bytes) -> ImportBatch:
    """Keep an uploaded file for its preview (bounded in size and rows, checked as UTF-8 CSV)."""
    require(can_import_ideas(actor))
    if not data:
        raise ValidationError({"file": "Choose a CSV file to import."})
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": f"The file is larger than {MAX_BYTES / (1024 * 1024):.2g} MB; split it."})
    text = _decode(data)
    if "\x00" in text:
        raise ValidationError({"file": "That is not a CSV file (it holds NUL bytes)."})
    preview = read_csv(text)
    batch = ImportBatch(actor_id=actor.id, filename=(filename or "ideas.csv")[:200], content=text,
                        row_count=len(preview.rows), error_count=len(preview.with_errors))
    db.session.add(batch)
    db.session.commit()
    return batch


def get_batch(actor: User, batch_id: int) -> ImportBatch:
    require(can_import_ideas(actor))
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound()
    return batch


# --- writing rows: each chunk of an import in one transaction -----------------------------------------------

class Maker:
    """Finds or makes products, prototypes, tags and contact accounts as rows need them, within the transaction."""

    def __init__(self, actor: User):
        self.actor = actor
        self.initial = initial_status()  # installs the default statuses into an empty portal first
        self.known = _Known.load()
        self.authors: dict[str, User] = {}

    def product(self, name: str) -> Product:
        product = self.known.products.get(name.lower())
        if product is None:
            product = Product(name=name, slug=self._slug(Product, name))
            db.session.add(product)
            db.session.flush()
            self.known.products[name.lower()] = product
        return product

    def prototype(self, product: Product, name: str) -> Prototype:
        prototype = self.known.prototypes.get((product.id, name.lower()))
        if prototype is None:
            slug = self._slug(Prototype, f"{product.slug} {name}")
            prototype = Prototype(product_id=product.id, name=name, slug=slug)
            db.session.add(prototype)
            db.session.flush()
            self.known.prototypes[(product.id, name.lower())] = prototype
        return prototype

    def tag(self, name: str) -> Tag:
        tag = self.known.tags.get(name.lower())
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
            db.session.flush()
            self.known.tags[name.lower()] = tag
        return tag

    def author(self, row: PlannedIdea) -> User:
        if not row.author_email:
            return self.actor
        if row.author_email in self.authors:
            return self.authors[row.author_email]
        user = db.session.scalar(select(User).where(User.email == row.author_email))
        if user is None:
            # Like a vote on behalf: a contact account without a password, claimed by signing up with the address.
            user = User(email=row.author_email, display_name=row.author_name or "Contact", password_hash="!",
                        role=Role.CUSTOMER.value, is_contact=True)
            db.session.add(user)
            db.session.flush()
        self.authors[row.author_email] = user
        return user

    @staticmethod
    def _slug(model: type[Product] | type[Prototype], name: str) -> str:
        base = slugify(name, 70) or "imported"
        slug, n = base, 1
        while db.session.scalar(select(model.id).where(model.slug == slug)) is not None:
            n += 1
            slug = f"{base}-{n}"
        return slug


def _idea(maker: Maker, row: PlannedIdea) -> Idea:
    """The row as an Idea, not yet flushed: the ideas of a file go to the database in one batched INSERT."""
    product = maker.product(row.product)
    prototype = maker.prototype(product, row.prototype)
    status = maker.known.statuses.get(row.status.lower()) if row.status else maker.initial
    idea = Idea(product_id=product.id, prototype_id=prototype.id, author_id=maker.author(row).id, title=row.title,
                body=row.body, body_html=row.body_html, excerpt=plain_text(row.body_html, 220),
                created_at=row.created_at or utcnow(), vote_count=1, status_id=status.id,
                tags=[maker.tag(name) for name in row.tags])
    db.session.add(idea)
    return idea


def write_rows(maker: Maker, rows: list[PlannedIdea]) -> None:
    """Ideas, each with its author's vote as a posted idea has, the prototypes' counts and the search index."""
    ideas = [_idea(maker, row) for row in rows]
    db.session.flush()
    db.session.add_all(Vote(idea_id=i.id, user_id=i.author_id, created_at=i.created_at) for i in ideas)
    for prototype_id, count in Counter(i.prototype_id for i in ideas).items():
        db.session.execute(update(Prototype).where(Prototype.id == prototype_id)
                           .values(idea_count=Prototype.idea_count + count))
    db.session.flush()
    reindex_ideas(i.id for i in ideas)


def recent_batches(limit: int = 10) -> list[ImportBatch]:
    return list(db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)))


def ideas_total() -> int:
    return db.session.scalar(select(func.count()).select_from(Idea)) or 0
