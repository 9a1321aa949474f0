using System.Security.Claims;
using Marten;
using Marten.Pagination;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.Platform.Audit;

/// <summary>What to look for in the log: a time range, an actor, an action (part of its name) and a target. Empty: anything.</summary>
public sealed record AuditFilter(DateTimeOffset? From = null, DateTimeOffset? To = null, string? Actor = null, string? Action = null, string? Target = null);

/// <summary>
/// Reading the audit log, for the shell's page and its spreadsheet: a tenant's lines for its auditor (and the platform
/// administrator), or every line for the platform administrator (<paramref name="tenantId"/> null). Newest first.
/// </summary>
public static class AuditLog
{
    public const int MaxExport = 10_000;

    /// <summary>Who may read a tenant's log.</summary>
    public static readonly string[] Readers = [Roles.Auditor];

    public static async Task<(IReadOnlyList<AuditEntry> Rows, long Total)> Page(ClaimsPrincipal user, IDocumentStore store, string? tenantId,
        AuditFilter filter, int page, int size)
    {
        if (tenantId is null) user.RequirePlatformAdmin();
        else user.RequireTenantAccess(tenantId, Readers);
        new Validation()
            .Require(filter.From is null || filter.To is null || filter.From <= filter.To, "to", "to must not be before from.")
            .Require(filter.Actor is null || filter.Actor.Length <= 64, "actor", "actor must be at most 64 characters.")
            .Require(filter.Action is null || filter.Action.Length <= 64, "action", "action must be at most 64 characters.")
            .Require(filter.Target is null || filter.Target.Length <= 128, "target", "target must be at most 128 characters.")
            .ThrowIfInvalid();
        await using var session = store.QuerySession(); // the log is platform-wide; the tenant is a field of each line
        IQueryable<AuditEntry> q = session.Query<AuditEntry>();
        if (tenantId is not null) q = q.Where(e => e.TenantId == tenantId);
        if (filter.From is { } from) q = q.Where(e => e.At >= from);
        if (filter.To is { } to) q = q.Where(e => e.At < to);
        if (!string.IsNullOrWhiteSpace(filter.Actor)) { var a = filter.Actor.Trim().ToLowerInvariant(); q = q.Where(e => e.ActorId == a); }
        if (!string.IsNullOrWhiteSpace(filter.Action)) { var a = filter.Action.Trim(); q = q.Where(e => e.Action.Contains(a, StringComparison.OrdinalIgnoreCase)); }
        if (!string.IsNullOrWhiteSpace(filter.Target)) { var t = filter.Target.Trim(); q = q.Where(e => e.Target == t); }
        var found = await q.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).ToPagedListAsync(page + 1, size);
        return (found.ToList(), found.TotalItemCount);
    }

    /// <summary>Every matching line (at most <see cref="MaxExport"/>), for the spreadsheet.</summary>
    public static async Task<IReadOnlyList<AuditEntry>> All(ClaimsPrincipal user, IDocumentStore store, string? tenantId, AuditFilter filter) =>
        (await Page(user, store, tenantId, filter, 0, MaxExport)).Rows;
}
