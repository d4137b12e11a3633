"""Which column of a CSV file feeds which field of a lead.

Headers are recognised under Salesforce's field names (FirstName, LastName, Company, Email,
Phone, Title, LeadSource, Status, Website, Industry, NumberOfEmployees, Street, City, State,
PostalCode, Country, DoNotCall, HasOptedOutOfEmail, our LeadType and TimeZone, an IANA zone
such as Australia/Perth) and the variants other tools export ("first_name", "First Name",
"E-mail", "Zip", "Mobile" …): case, spaces and punctuation never matter. A "Name" column is
split into first and last name when there is no LastName column. `--map "Column=Field"` maps
anything else (Field by its Salesforce name or ours); `--map "Column="` ignores a column.

When several columns feed one field (Phone and Mobile, say), a row takes the first of them
that is not empty, in the order of the alias lists below.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workstation.store.errors import StoreError
from workstation.store.imports.picklists import picklist_key


class MappingError(StoreError, ValueError):
    """The columns cannot be mapped (a required field has no column, a --map is wrong)."""


@dataclass(frozen=True, slots=True)
class ImportField:
    name: str  # our column on the lead
    label: str  # Salesforce's name for it
    aliases: tuple[str, ...]


IMPORT_FIELDS: tuple[ImportField, ...] = tuple(
    ImportField(name, label, tuple(aliases.split()))
    for name, label, aliases in (
        ("first_name", "FirstName", "firstname first givenname forename fname"),
        ("last_name", "LastName", "lastname last surname familyname lname"),
        ("full_name", "Name", "name fullname contactname leadname person"),
        ("title", "Title", "title jobtitle position designation role"),
        (
            "company",
            "Company",
            "company companyname organization organisation org account accountname employer "
            "business businessname",
        ),
        ("email", "Email", "email emailaddress mail workemail businessemail primaryemail"),
        (
            "phone",
            "Phone",
            "phone phonenumber telephone tel businessphone workphone officephone primaryphone "
            "mobilephone mobile cell cellphone mobilenumber homephone otherphone",
        ),
        ("website", "Website", "website url web homepage companywebsite site domain"),
        ("industry", "Industry", "industry sector vertical"),
        (
            "employees",
            "NumberOfEmployees",
            "numberofemployees employees employeecount companysize headcount noofemployees",
        ),
        (
            "street",
            "Street",
            "street address address1 streetaddress addressline1 mailingstreet billingstreet",
        ),
        ("city", "City", "city town mailingcity billingcity"),
        (
            "state",
            "State",
            "state province stateprovince statecode region county mailingstate billingstate",
        ),
        ("postal_code", "PostalCode", "postalcode zip zipcode postcode mailingpostalcode"),
        ("country", "Country", "country countrycode nation mailingcountry billingcountry"),
        ("time_zone", "TimeZone", "timezone tz zone timezonesidkey olson iana"),
        ("lead_source", "LeadSource", "leadsource source channel"),
        ("lead_type", "LeadType", "leadtype offer"),
        ("status", "Status", "status leadstatus"),
        ("do_not_call", "DoNotCall", "donotcall dnc"),
        ("email_opt_out", "HasOptedOutOfEmail", "hasoptedoutofemail emailoptout optout"),
    )
)
FIELDS_BY_NAME = {field.name: field for field in IMPORT_FIELDS}
_TARGETS = {picklist_key(f.name): f.name for f in IMPORT_FIELDS} | {
    picklist_key(f.label): f.name for f in IMPORT_FIELDS
}
_ALIASES = {
    alias: (field.name, rank) for field in IMPORT_FIELDS for rank, alias in enumerate(field.aliases)
}


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """The header as read, and for each field the columns that feed it, best first."""

    header: tuple[str, ...]
    columns: tuple[tuple[str, tuple[int, ...]], ...]
    unmapped: tuple[str, ...]

    def field_of(self) -> dict[int, str]:
        """Column index → the field it feeds."""
        return {index: name for name, indexes in self.columns for index in indexes}


def parse_map_options(options: Sequence[str]) -> dict[str, str | None]:
    """`["Cell Phone=Phone", "Notes="]` → {"Cell Phone": "phone", "Notes": None}."""
    mapping: dict[str, str | None] = {}
    for option in options:
        column, equals, target = option.partition("=")
        if not equals or not column.strip():
            raise MappingError(f'--map {option!r}: write it as "Column=Field" (or "Column=")')
        if not target.strip():
            mapping[column.strip()] = None
            continue
        field = _TARGETS.get(picklist_key(target))
        if field is None:
            known = ", ".join(f.label for f in IMPORT_FIELDS)
            raise MappingError(f"--map {option!r}: no field {target.strip()!r}; fields: {known}")
        mapping[column.strip()] = field
    return mapping


def match_columns(
    header: Sequence[str], mapping: Mapping[str, str | None] | None = None
) -> ColumnPlan:
    """Map a header onto the lead's fields, whether or not the lead's required ones are
    all there (`plan_columns` insists)."""
    cells = tuple(cell.replace("\ufeff", "").strip() for cell in header)
    explicit = {picklist_key(column): field for column, field in (mapping or {}).items()}
    present = {picklist_key(cell) for cell in cells}
    missing = [column for column in (mapping or {}) if picklist_key(column) not in present]
    if missing:
        raise MappingError(f"--map names no column of this file: {', '.join(missing)}")
    ranked: dict[str, list[tuple[int, int]]] = {}
    unmapped = []
    for index, cell in enumerate(cells):
        key = picklist_key(cell)
        if key in explicit:
            field, rank = explicit[key], -1
        else:
            field, rank = _ALIASES.get(key, (None, 0))
        if field is None:
            if cell and key not in explicit:  # a column ignored on purpose is not reported
                unmapped.append(cell)
            continue
        ranked.setdefault(field, []).append((rank, index))
    if "last_name" in ranked:
        ranked.pop("full_name", None)
    columns = tuple(
        (field.name, tuple(index for _, index in sorted(ranked[field.name])))
        for field in IMPORT_FIELDS
        if field.name in ranked
    )
    return ColumnPlan(header=cells, columns=columns, unmapped=tuple(unmapped))


def plan_columns(
    header: Sequence[str], mapping: Mapping[str, str | None] | None = None
) -> ColumnPlan:
    """Map a header onto the lead's fields; MappingError when LastName or Company is missing."""
    plan = match_columns(header, mapping)
    fed = {name for name, _ in plan.columns}
    for required, label in (("company", "Company"), ("last_name", "LastName")):
        if required not in fed and not (required == "last_name" and "full_name" in fed):
            raise MappingError(
                f"no column for {label} (a lead needs one): map a column to it, as with "
                f'--map "Your Column={label}"; the columns are: {", ".join(plan.header)}'
            )
    return plan
