-- the civil-service calendar: one row per year holding that year's schedule (days off,
-- substitute days, swapped working days) as the domain type `YearSchedule` serialises it.
-- statutory holidays are not stored: they are generated from the labour code for any year.
create table holiday_schedules (
    year bigint primary key,
    schedule jsonb not null,
    version bigint not null,
    updated_at timestamptz not null
);
