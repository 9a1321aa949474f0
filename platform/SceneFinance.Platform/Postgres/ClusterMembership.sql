-- Orleans cluster membership on the product's own PostgreSQL, in schema "orleans" (SceneFinance's own script).
-- Orleans' ADO.NET clustering reads its statements from orleansquery (by key) and runs them with named parameters
-- (@DeploymentId = the cluster id, @Address, @Port, @Generation, @Version = the table version the writer read...).
-- Every write moves the table version on by one only if it still is the version the writer read: that compare-and-swap is
-- what keeps the silos' views of the cluster consistent. A write answers 1 (done) or 0 (someone else wrote first: Orleans
-- reads the table again and retries); a unique violation aborts the statement whole, which Orleans also treats as "retry".
-- Applied on every start of a clustered silo: idempotent, statements replaced by key.

create schema if not exists orleans;

create table if not exists orleans.orleansquery (
    querykey  varchar(64) primary key,
    querytext text not null
);

create table if not exists orleans.membership_version (
    deployment_id varchar(150) primary key,
    changed_at    timestamptz not null default now(),
    version       integer not null default 0
);

create table if not exists orleans.membership (
    deployment_id   varchar(150) not null references orleans.membership_version (deployment_id),
    address         varchar(45) not null,
    port            integer not null,
    generation      integer not null,
    silo_name       varchar(150) not null,
    host_name       varchar(150) not null,
    status          integer not null,
    proxy_port      integer,
    suspect_times   text,
    start_time      timestamptz not null,
    i_am_alive_time timestamptz not null,
    primary key (deployment_id, address, port, generation)
);

insert into orleans.orleansquery (querykey, querytext) values
('InsertMembershipVersionKey', $q$
    with created as (
        insert into orleans.membership_version (deployment_id) values (@DeploymentId)
        on conflict (deployment_id) do nothing
        returning 1)
    select count(*)::int from created
$q$),

('InsertMembershipKey', $q$
    with bumped as (
        update orleans.membership_version set version = version + 1, changed_at = now()
        where deployment_id = @DeploymentId and version = @Version
          and not exists (select 1 from orleans.membership m
                          where m.deployment_id = @DeploymentId and m.address = @Address and m.port = @Port and m.generation = @Generation)
        returning deployment_id),
    inserted as (
        insert into orleans.membership (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
        select deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime from bumped
        returning 1)
    select count(*)::int from inserted
$q$),

('UpdateMembershipKey', $q$
    with bumped as (
        update orleans.membership_version set version = version + 1, changed_at = now()
        where deployment_id = @DeploymentId and version = @Version
          and exists (select 1 from orleans.membership m
                      where m.deployment_id = @DeploymentId and m.address = @Address and m.port = @Port and m.generation = @Generation)
        returning deployment_id),
    updated as (
        update orleans.membership m
        set status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
        from bumped
        where m.deployment_id = bumped.deployment_id and m.address = @Address and m.port = @Port and m.generation = @Generation
        returning 1)
    select count(*)::int from updated
$q$),

-- A heartbeat: no version change (Orleans expects it never to fail).
('UpdateIAmAlivetimeKey', $q$
    update orleans.membership set i_am_alive_time = @IAmAliveTime
    where deployment_id = @DeploymentId and address = @Address and port = @Port and generation = @Generation
$q$),

-- The version row always comes back (with no member when the silo has no row yet).
('MembershipReadRowKey', $q$
    select v.deployment_id as "DeploymentId", m.address as "Address", m.port as "Port", m.generation as "Generation",
           m.silo_name as "SiloName", m.host_name as "HostName", m.status as "Status", m.proxy_port as "ProxyPort",
           m.suspect_times as "SuspectTimes", m.start_time as "StartTime", m.i_am_alive_time as "IAmAliveTime", v.version as "Version"
    from orleans.membership_version v
    left join orleans.membership m on m.deployment_id = v.deployment_id
         and m.address = @Address and m.port = @Port and m.generation = @Generation
    where v.deployment_id = @DeploymentId
$q$),

('MembershipReadAllKey', $q$
    select v.deployment_id as "DeploymentId", m.address as "Address", m.port as "Port", m.generation as "Generation",
           m.silo_name as "SiloName", m.host_name as "HostName", m.status as "Status", m.proxy_port as "ProxyPort",
           m.suspect_times as "SuspectTimes", m.start_time as "StartTime", m.i_am_alive_time as "IAmAliveTime", v.version as "Version"
    from orleans.membership_version v
    left join orleans.membership m on m.deployment_id = v.deployment_id
    where v.deployment_id = @DeploymentId
$q$),

('GatewaysQueryKey', $q$
    select address as "Address", proxy_port as "ProxyPort", generation as "Generation"
    from orleans.membership
    where deployment_id = @DeploymentId and status = @Status and proxy_port > 0
$q$),

('DeleteMembershipTableEntriesKey', $q$
    delete from orleans.membership where deployment_id = @DeploymentId;
    delete from orleans.membership_version where deployment_id = @DeploymentId
$q$),

-- Rows of silos that are not active (3) and have not been heard of since @IAmAliveTime.
('CleanupDefunctSiloEntriesKey', $q$
    delete from orleans.membership
    where deployment_id = @DeploymentId and i_am_alive_time < @IAmAliveTime and status <> 3
$q$)
on conflict (querykey) do update set querytext = excluded.querytext;
