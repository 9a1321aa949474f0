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
/// in place; an unchanged row changes nothing. Bad rows never stop good ones. One import per tenant at a time.
/// </summary>
public sealed class RosterImporter(IDocumentStore store, IGrainFactory grains, TimeProvider clock, ILogger<RosterImporter> log)
{
    const int Parallelism = 16;
    const int BatchSize = 500;

    public static string CardHolderIdFor(string studentNumber) =>
        "ch_" + Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("student|" + studentNumber)), 0, 13).ToLowerInvariant();

    /// <summary>Records the import and runs it in the background; poll the returned import for progress.</summary>
    public async Task<RosterImport> Start(string tenantId, string fileName, byte[] content, string requestedBy)
    {
        var import = new RosterImport { Id = Ids.New("imp"), FileName = fileName, RequestedBy = requestedBy, StartedAt = clock.GetUtcNow() };
        await Save(tenantId, import);
        _ = Task.Run(() => Run(tenantId, import, content));
        return import;
    }

    /// <summary>Runs an import to its end (the background task, or a caller that wants to wait).</summary>
    public async Task<RosterImport> Run(string tenantId, RosterImport import, byte[] content, IProgress<RosterImport>? progress = null)
    {
        var gate = await Platform.Postgres.ClusterLock.Acquire(store, $"roster-import/{tenantId}"); // one per school across the cluster
        var watch = Stopwatch.StartNew();
        try
        {
            var (rows, rejected) = RosterFile.Read(content);
            import.Total = rows.Count + rejected.Count;
            import.Processed = rejected.Count;
            var refused = new ConcurrentBag<RejectedRow>(rejected);
            await Save(tenantId, import);

            Dictionary<string, StudentRecord> existing;
            await using (var session = store.QuerySession(tenantId))
                existing = (await session.Query<StudentRecord>().ToListAsync()).ToDictionary(s => s.Id, StringComparer.Ordinal);

            foreach (var chunk in rows.Chunk(BatchSize))
            {
                var changed = new ConcurrentBag<StudentRecord>();
                int created = 0, updated = 0, unchanged = 0;
                await Parallel.ForEachAsync(chunk, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (row, _) =>
                {
                    var known = existing.GetValueOrDefault(row.StudentNumber);
                    if (known is not null && known.RowHash == row.Hash) { Interlocked.Increment(ref unchanged); return; }
                    try
                    {
                        var record = await Apply(tenantId, row, known);
                        changed.Add(record);
                        Interlocked.Increment(ref known is null ? ref created : ref updated);
                    }
                    catch (ProblemException e)
                    {
                        refused.Add(new RejectedRow(row.Row, Cells(row), e.Message));
                    }
                });
                await using (var session = store.LightweightSession(tenantId))
                {
                    session.Store(changed.ToArray());
                    await session.SaveChangesAsync();
                }
                foreach (var r in changed) existing[r.Id] = r;
                import.Created += created;
                import.Updated += updated;
                import.Unchanged += unchanged;
                import.Processed += chunk.Length;
                import.RejectedCount = refused.Count;
                await Save(tenantId, import);
                progress?.Report(import);
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
        await Save(tenantId, import);
        progress?.Report(import);
        log.LogInformation("Roster import {ImportId}: {Total} rows in {Elapsed} ms ({Created} new, {Updated} updated, {Unchanged} unchanged, {Rejected} refused)",
            import.Id, import.Total, import.ElapsedMs, import.Created, import.Updated, import.Unchanged, import.RejectedCount);
        return import;
    }

    /// <summary>Makes sure the student's card holder exists (registering it once), and returns the record the row describes.</summary>
    async Task<StudentRecord> Apply(string tenantId, RosterRow row, StudentRecord? known)
    {
        var holderId = known?.CardHolderId ?? CardHolderIdFor(row.StudentNumber);
        var holder = grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, holderId));
        if (known is null && await holder.Get() is null)
        {
            try
            {
                await holder.Register(new RegisterCardHolder(row.StudentNumber, row.Name, "student", row.CardNumber ?? NewCardNumber(),
                    null, null, null, clock.GetUtcNow()));
            }
            catch (ProblemException e) when (e.Status == 409)
            {
                if (await holder.Get() is null) // not ours: the number or card belongs to someone else
                    throw new ProblemException(409, ErrorCodes.Conflict, e.Errors?.ContainsKey("cardNumber") == true
                        ? "The card number is already in use in the school. 卡号已被使用"
                        : "The student number is already used by another card holder. 学号已被其他持卡人使用");
            }
        }
        return new StudentRecord
        {
            Id = row.StudentNumber, CardHolderId = holderId, Name = row.Name, Grade = row.Grade, Class = row.Class,
            Guardians = [.. row.Guardians], GuardianPhones = [.. row.Guardians.Select(g => g.Phone)], RowHash = row.Hash, UpdatedAt = clock.GetUtcNow(),
        };
    }

    static Dictionary<string, string?> Cells(RosterRow row) => new()
    {
        ["studentNumber"] = row.StudentNumber, ["name"] = row.Name, ["grade"] = row.Grade, ["class"] = row.Class, ["cardNumber"] = row.CardNumber,
    };

    async Task Save(string tenantId, RosterImport import)
    {
        await using var session = store.LightweightSession(tenantId);
        session.Store(import);
        await session.SaveChangesAsync();
    }

    /// <summary>16 digits, not starting with 0, so spreadsheets keep them intact.</summary>
    static string NewCardNumber() => RandomNumberGenerator.GetInt32(1, 10) + string.Concat(Enumerable.Range(0, 15).Select(_ => RandomNumberGenerator.GetInt32(0, 10)));
}
