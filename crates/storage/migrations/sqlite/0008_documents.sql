-- documents (tài liệu): the metadata of every stored file; the bytes live in the object store under their sha-256
-- (content addressed, so the same bytes are stored once whatever the number of rows pointing at them). the bytes
-- are written first and this row second: a row never points at missing bytes, and bytes without a row are
-- orphans that `motcua documents fixity --clean-orphans` removes.
create table documents (
    id blob primary key,
    province_id text not null,
    -- whose document it is: a citizen by id number or an organisation by tax code (the warehouse's key).
    owner_kind text check (owner_kind in ('person', 'organisation')),
    owner_id text,
    dossier_id blob references dossiers (id),
    component_key text,
    doc_type text,
    title text not null,
    file_name text not null,
    media_type text not null,
    size_bytes integer not null,
    sha256 text not null,
    source text not null check (source in ('uploaded', 'digitised', 'reused', 'warehouse', 'result')),
    -- the issuer as written on the paper; for results, also the issuing unit.
    issuer text,
    issuer_unit_id text references units (id),
    issued_on text,
    valid_to text,
    digitised_by text,
    -- a component taken from the warehouse points at the warehouse document it copies.
    origin_document_id blob references documents (id),
    in_warehouse integer not null check (in_warehouse in (0, 1)),
    -- electronic results: the public code, the procedure, and the issuing unit's detached signature.
    result_code text unique,
    result_of text,
    signature_key_id text,
    signature text,
    signed_at text,
    created_by text,
    created_at text not null
) strict;
create index documents_dossier on documents (dossier_id, component_key);
create index documents_owner on documents (owner_kind, owner_id, in_warehouse);
create index documents_sha256 on documents (sha256);

-- the public keys of the units' signing keys, kept after rotation so that old results still verify.
create table signing_keys (
    key_id text primary key,
    unit_id text not null references units (id),
    algorithm text not null,
    public_key text not null,
    created_at text not null
) strict;

-- time-limited share links of warehouse documents; only the sha-256 of the token is stored.
create table document_shares (
    token_hash text primary key,
    document_id blob not null references documents (id),
    created_by text not null,
    expires_at text not null,
    created_at text not null
) strict;
create index document_shares_expiry on document_shares (expires_at);
