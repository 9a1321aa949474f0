using SceneFinance.Platform.Security;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Marten;
using Microsoft.Extensions.Logging;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Campus.ImportingRosters;

/// <summary>
/// Applies a roster: new students become card holders of kind <c>student</c> (their id derived from the student number, so a
/// retried import finds the holder it made before) and get a <see cref="StudentRecord"/>; a row that changed updates the record
/// in place; an unchanged row changes nothing. Bad rows never stop good ones. One import per tenant at a time. Its progress is
/// saved and told (<see cref="CampusNews"/>) after every batch, so the import page follows it without asking.
/// </summary>
public sealed class RosterImporter(IDocumentStore store, IGrainFactory grains, TimeProvider clock, CampusNews news, Sealer sealer, ILogger<RosterImporter> log)
{
    const int Parallelism = 16;
    const int BatchSize = 500;

    public static string CardHolderIdFor(string studentNumber) => Ids.Derived("ch", "student|" + studentNumber);

    /// <summary>Records the import and runs it in the background; its progress is told through <see cref="CampusNews"/> (and readable by id).</summary>
    public Task<RosterImport> Start(string tenantId, string fileName, byte[] content, string requestedBy) =>
        Start(tenantId, RosterImport.Students, fileName, requestedBy, import => Run(tenantId, import, content));

    /// <summary>Records an import of any roster (students, the canteen's staff) and runs it in the background with <paramref name="run"/>.</summary>
    public async Task<RosterImport> Start(string tenantId, string kind, string fileName, string requestedBy, Func<RosterImport, Task<RosterImport>> run)
    {
        var import = new RosterImport { Id = Ids.New("imp"), Kind = kind, FileName = fileName, RequestedBy = requestedBy, StartedAt = clock.GetUtcNow() };
        await Save(tenantId, import);
        // The import runs past its request: it keeps acting as whoever started it, so what it changes is audited as theirs.
        var actor = Platform.Audit.AuditActor.Current;
        _ = Task.Run(async () =>
        {
            using (Platform.Audit.AuditActor.Use(actor)) await run(import);
        });
        return import;
    }

    /// <summary>Runs a student roster import to its end (the background task, or a caller that wants to wait).</summary>
    public Task<RosterImport> Run(string tenantId, RosterImport import, byte[] content) =>
        Run<RosterRow, StudentRecord>(tenantId, import, () => RosterFile.Read(content), async () =>
            {
                await using var session = store.QuerySession(tenantId);
                return (await session.Query<StudentRecord>().ToListAsync()).ToDictionary(s => s.Id, StringComparer.Ordinal);
            },
            row => row.StudentNumber, (row, known) => known.RowHash == row.Hash && known.TenantId == tenantId, (row, known) => Apply(tenantId, import, row, known), Cells);

    /// <summary>
    /// The one import loop every roster shares: read the file (refused rows kept with their reason), then in batches of
    /// <see cref="BatchSize"/> apply each row that changed (<paramref name="apply"/>: the record it makes, or why it is refused),
    /// store the records, and save and tell the progress. A row whose record is unchanged does nothing, so an import sent again,
    /// or resumed after it stopped, changes only what is new. One import per tenant at a time.
    /// </summary>
    public async Task<RosterImport> Run<TRow, TRecord>(string tenantId, RosterImport import, Func<(List<TRow> Rows, List<RejectedRow> Rejected)> read,
        Func<Task<Dictionary<string, TRecord>>> existingRecords, Func<TRow, string> key, Func<TRow, TRecord, bool> unchanged,
        Func<TRow, TRecord?, Task<(TRecord? Record, string? Reason)>> apply, Func<TRow, Dictionary<string, string?>> cells)
        where TRow : class where TRecord : class
    {
        var gate = await Platform.Postgres.ClusterLock.Acquire(store, $"roster-import/{tenantId}"); // one per school across the cluster
        var watch = Stopwatch.StartNew();
        try
        {
            var (rows, rejected) = read();
            import.Total = rows.Count + rejected.Count;
            import.Processed = rejected.Count;
            var refused = new ConcurrentBag<RejectedRow>(rejected);
            await Save(tenantId, import);
            var existing = await existingRecords();

            foreach (var chunk in rows.Chunk(BatchSize))
            {
                var changed = new ConcurrentDictionary<string, TRecord>();
                int created = 0, updated = 0, unchangedRows = 0;
                await Parallel.ForEachAsync(chunk, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (row, _) =>
                {
                    var known = existing.GetValueOrDefault(key(row));
                    if (known is not null && unchanged(row, known)) { Interlocked.Increment(ref unchangedRows); return; }
                    var (record, reason) = await apply(row, known);
                    if (record is null)
                    {
                        refused.Add(new RejectedRow(RowOf(row), cells(row), reason!));
                        return;
                    }
                    changed[key(row)] = record;
                    Interlocked.Increment(ref known is null ? ref created : ref updated);
                });
                await using (var session = store.LightweightSession(tenantId))
                {
                    session.Store(changed.Values.ToArray());
                    await session.SaveChangesAsync();
                }
                foreach (var (k, r) in changed) existing[k] = r;
                import.Created += created;
                import.Updated += updated;
                import.Unchanged += unchangedRows;
                import.Processed += chunk.Length;
                import.RejectedCount = refused.Count;
                await Save(tenantId, import);
            }
            import.Rejected = [.. refused.OrderBy(r => r.Row)];
            import.RejectedCount = import.Rejected.Count;
            import.Status = "completed";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.LogError(e, "Roster import {ImportId} of tenant {TenantId} failed", import.Id, tenantId);
            import.Status = "failed";
            import.Failure = e is ProblemException or InvalidDataException or InvalidOperationException ? e.Message : "The file could not be read.";
        }
        finally
        {
            await gate.DisposeAsync();
        }
        import.FinishedAt = clock.GetUtcNow();
        import.ElapsedMs = watch.ElapsedMilliseconds;
        try
        {
            await Save(tenantId, import);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever could not be saved (the rejected rows), the import must not stay "running": it ends failed, with why,
            // and the school can import again (the lock is released above).
            log.LogError(e, "Roster import {ImportId} of tenant {TenantId}: its outcome could not be saved", import.Id, tenantId);
            import.Status = "failed";
            import.Failure = "The import stopped: its results could not be saved. Import the file again. 导入中断，请重新导入";
            import.Rejected = [];
            await Save(tenantId, import);
        }
        log.LogInformation("Roster import {ImportId}: {Total} rows in {Elapsed} ms ({Created} new, {Updated} updated, {Unchanged} unchanged, {Rejected} refused)",
            import.Id, import.Total, import.ElapsedMs, import.Created, import.Updated, import.Unchanged, import.RejectedCount);
        return import;
    }

    /// <summary>The file's row number of a parsed row (rows say where they came from).</summary>
    static int RowOf<TRow>(TRow row) => row is IRosterRow r ? r.Row : 0;

    /// <summary>
    /// Makes sure the student's card holder exists (registering it once), and returns the record the row describes; or why the row
    /// is refused (its card number or student number belongs to someone else).
    /// </summary>
    async Task<(StudentRecord? Record, string? Reason)> Apply(string tenantId, RosterImport import, RosterRow row, StudentRecord? known)
    {
        var holderId = known?.CardHolderId ?? CardHolderIdFor(row.StudentNumber);
        var holder = grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, holderId));
        if (row.Left && known is null)
            return (null, "This student is not in the school: there is nobody to close. 该学生不在本校名册中，无法办理离校");
        if (known is null && await holder.Get() is null)
        {
            var registered = await holder.Register(new RegisterCardHolder(row.StudentNumber, row.Name, "student", row.CardNumber ?? NewCardNumber(),
                null, null, null, clock.GetUtcNow()));
            // Refused because it exists already (an import that stopped halfway made it): ours, go on. Otherwise the number or card is someone else's.
            if (registered.Refusal is { } refused && await holder.Get() is null)
                return (null, refused.Errors?.ContainsKey("cardNumber") == true
                    ? "The card number is already in use in the school. 卡号已被使用"
                    : refused.Kind == RefusalKind.Conflict
                        ? "The student number is already used by another card holder. 学号已被其他持卡人使用"
                        : refused.Detail);
        }
        if (known is not null && (known.Name, known.Grade, known.Class) != (row.Name, row.Grade, row.Class)
            && await Renamed(tenantId, import, holder, row) is { } notRenamed)
            return (null, notRenamed);
        var leftAt = known?.LeftAt;
        if (row.Left && leftAt is null)
        {
            var closed = await holder.Close(new CloseCardHolder("left the school (roster) 离校", clock.GetUtcNow()));
            if (closed.Refusal is { } notClosed) return (null, notClosed.Detail);
            leftAt = clock.GetUtcNow();
            lock (import) import.Closed++;
        }
        return (new StudentRecord
        {
            Id = row.StudentNumber, TenantId = tenantId, CardHolderId = holderId, Name = row.Name, Grade = row.Grade, Class = row.Class,
            Guardians = [.. row.Guardians.Select(g => g.Sealed(sealer))], GuardianPhones = [.. row.Guardians.Select(g => Digests.OfPhone(g.Phone)!)], RowHash = row.Hash, UpdatedAt = clock.GetUtcNow(), LeftAt = leftAt,
        }, null);
    }

    /// <summary>
    /// A new name or class in the roster reaches the card holder (lists, tills) and the student's open bills (what they show and
    /// are filtered by), each through its own stream's event, so it is audited as the importer's decision. Paid and cancelled bills
    /// keep what they were issued with (<see cref="Billing.BillDecisions.Rename"/>). Counted in the import's summary; the same
    /// again records nothing, so a resumed import renames nothing twice. Null when done, else why the row is refused.
    /// </summary>
    async Task<string?> Renamed(string tenantId, RosterImport import, ICardHolderGrain holder, RosterRow row)
    {
        var now = clock.GetUtcNow();
        var renamed = await holder.Rename(new RenameCardHolder(row.Name, row.Class, now));
        if (renamed.Refusal is { } refused) return refused.Detail;
        List<string> open;
        await using (var session = store.QuerySession(tenantId))
            open = [.. await session.Query<Billing.BillListing>().Where(b => b.StudentNumber == row.StudentNumber && b.Outstanding > 0).Select(b => b.Id).ToListAsync()];
        var bills = 0;
        foreach (var billId in open)
        {
            var bill = await grains.GetGrain<Billing.IBillGrain>(GrainKeys.For(tenantId, billId)).Rename(new Billing.RenameStudent(row.Name, row.Grade, row.Class, now));
            if (bill.Refusal is { } r) return r.Detail;
            bills++;
        }
        lock (import) // rows of a batch run in parallel; the import is saved between batches
        {
            import.HoldersRenamed++;
            import.BillsRenamed += bills;
        }
        return null;
    }

    static Dictionary<string, string?> Cells(RosterRow row) => new()
    {
        ["studentNumber"] = row.StudentNumber, ["name"] = row.Name, ["grade"] = row.Grade, ["class"] = row.Class, ["cardNumber"] = row.CardNumber,
    };

    /// <summary>Saves how far the import got, then tells the pages of this host.</summary>
    async Task Save(string tenantId, RosterImport import)
    {
        await using (var session = store.LightweightSession(tenantId))
        {
            session.Store(import);
            await session.SaveChangesAsync();
        }
        news.ImportProgressed(tenantId, import.View(tenantId));
    }

    /// <summary>16 digits, not starting with 0, so spreadsheets keep them intact.</summary>
    static string NewCardNumber() => RandomNumberGenerator.GetInt32(1, 10) + string.Concat(Enumerable.Range(0, 15).Select(_ => RandomNumberGenerator.GetInt32(0, 10)));
}
