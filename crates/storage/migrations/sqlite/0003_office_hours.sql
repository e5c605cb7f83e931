-- office hours per unit (giờ hành chính), as the domain type `OfficeHours` serialises them.
-- a unit without a row uses its nearest ancestor's hours, else the default 07:30–11:30, 13:00–17:00.
create table unit_office_hours (
    unit_id text not null primary key references units (id),
    hours text not null,
    version integer not null,
    updated_at text not null
) strict;
