-- the civil-service calendar: one row per year holding that year's schedule (days off,
-- substitute days, swapped working days) as the domain type `YearSchedule` serialises it.
-- statutory holidays are not stored: they are generated from the labour code for any year.
create table holiday_schedules (
    year integer not null primary key,
    schedule text not null,
    version integer not null,
    updated_at text not null
) strict;
