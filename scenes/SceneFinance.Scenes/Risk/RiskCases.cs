using System.Security.Claims;
using Marten;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Risk;

public sealed record AssignCaseRequest(string? Assignee);
public sealed record CommentCaseRequest(string? Text);

/// <summary><c>resolution</c> is fraud or notFraud; the measures apply to fraud only.</summary>
public sealed record CloseCaseRequest(string? Resolution, bool FreezeCard = false, bool BlacklistCard = false, bool FlagRecentTaps = false, string? Note = null);

/// <summary>A case as people see it (the card by its last 4 only).</summary>
public sealed record RiskCaseView(
    string Id, string PaymentId, string CardHolderId, string CardLast4, string TerminalId, long Amount, DateTimeOffset OccurredAt, DateTimeOffset OpenedAt,
    string Status, string? Assignee, string? Resolution, DateTimeOffset? ClosedAt, IReadOnlyList<RiskHit> Hits, IReadOnlyList<RiskCaseEntry> History,
    IReadOnlyList<string> FlaggedPayments)
{
    public static RiskCaseView Of(RiskCase c) => new(c.Id, c.PaymentId, c.CardHolderId, c.CardLast4, c.TerminalId, c.Amount, c.OccurredAt, c.OpenedAt,
        c.Status, c.Assignee, c.Resolution, c.ClosedAt, c.Hits, c.History, c.FlaggedPayments);
}

public sealed record RiskCasePage(IReadOnlyList<RiskCaseView> Items, long Total);

/// <summary>The review queue's slice functions: list, read, assign, comment, close (as fraud, with its measures, or not).</summary>
public static class RiskCases
{
    public static readonly string[] Resolutions = ["fraud", "notFraud"];

    static IRiskCaseGrain Case(IGrainFactory grains, string tenantId, string id) => grains.GetGrain<IRiskCaseGrain>(GrainKeys.For(tenantId, id));
    static string Who(ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    public static async Task<RiskCasePage> Page(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? status, int page, int size)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<RiskCase>().Where(c => status == null || c.Status == status);
        var total = await query.CountAsync();
        var rows = await query.OrderByDescending(c => c.OpenedAt).Skip(Math.Max(0, page) * size).Take(Math.Clamp(size, 1, 500)).ToListAsync();
        return new RiskCasePage([.. rows.Select(RiskCaseView.Of)], total);
    }

    public static async Task<IReadOnlyList<RiskCaseView>> All(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? status) =>
        (await Page(user, store, tenantId, status, 0, 500)).Items;

    public static async Task<Outcome<RiskCaseView>> Get(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        return await Case(grains, tenantId, id).Get() is { } c ? RiskCaseView.Of(c) : Refusal.NotFound("The case");
    }

    public static async Task<Outcome<RiskCaseView>> Assign(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, AssignCaseRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, RiskAccess.Editors);
        new Validation().Text(body.Assignee, "assignee", 100).ThrowIfInvalid();
        return (await Case(grains, tenantId, id).Assign(body.Assignee!.Trim(), Who(user), now)).Map(RiskCaseView.Of);
    }

    public static async Task<Outcome<RiskCaseView>> Comment(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, CommentCaseRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, RiskAccess.Editors);
        new Validation().Text(body.Text, "text", 1000).ThrowIfInvalid();
        return (await Case(grains, tenantId, id).Comment(body.Text!.Trim(), Who(user), now)).Map(RiskCaseView.Of);
    }

    public static async Task<Outcome<RiskCaseView>> Close(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, CloseCaseRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, RiskAccess.Editors);
        new Validation().OneOf(body.Resolution, "resolution", Resolutions)
            .Require((body.Note?.Length ?? 0) <= 1000, "note", "note must be at most 1000 characters.").ThrowIfInvalid();
        return (await Case(grains, tenantId, id).Close(body.Resolution == "fraud", new FraudMeasures(body.FreezeCard, body.BlacklistCard, body.FlagRecentTaps),
            body.Note?.Trim(), Who(user), now)).Map(RiskCaseView.Of);
    }
}
