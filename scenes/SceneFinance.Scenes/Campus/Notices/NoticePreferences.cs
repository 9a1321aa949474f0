using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Campus.Notices;

/// <summary>
/// What one guardian (per school, id = the keyed digest of the phone they sign in with, <see cref="KeyOf"/>) wants to be told: every notice unless turned off, the low-balance
/// notice only below a threshold they set, in the language they read.
/// </summary>
public sealed class NoticePreferences
{
    public string Id { get; set; } = "";
    public List<string> Off { get; set; } = [];
    /// <summary>Fen; null: no low-balance notice.</summary>
    public long? LowBalanceBelow { get; set; }
    public string Language { get; set; } = NoticeTemplates.Chinese;
    public DateTimeOffset UpdatedAt { get; set; }

    public bool Wants(string template) => !Off.Contains(template) && (template != NoticeTemplates.LowBalance || LowBalanceBelow is not null);

    public static NoticePreferences Default(string phone) => new() { Id = KeyOf(phone) };

    /// <summary>A phone is personal data: preferences are kept under its keyed digest, never the number.</summary>
    public static string KeyOf(string phone) => Digests.OfPhone(phone) ?? phone;
}

/// <summary>The preferences as the portal shows and sets them: the notices received (of <see cref="NoticeTemplates.All"/>), threshold in fen.</summary>
public sealed record NoticePreferencesView(IReadOnlyList<string> Receive, long? LowBalanceBelow, string Language)
{
    public static NoticePreferencesView Of(NoticePreferences p) =>
        new([.. NoticeTemplates.All.Where(t => !p.Off.Contains(t))], p.LowBalanceBelow, p.Language);
}

public sealed record NoticePreferencesRequest(IReadOnlyList<string>? Receive, long? LowBalanceBelow, string? Language);

/// <summary>A guardian's notice preferences: the API routes and the portal call the same functions.</summary>
public static class NoticePreferenceEndpoints
{
    public static void MapNoticePreferences(this IEndpointRouteBuilder api)
    {
        var mine = api.MapGroup("/tenants/{tenantId}/campus/my/notice-preferences").WithTags("Campus");
        mine.MapGet("", async (string tenantId, HttpContext http, IDocumentStore store) => (await Get(http.User, store, tenantId)).ToOk())
            .Doc("getMyNoticePreferences", "What the signed-in guardian is told about their children",
                "Every notice unless turned off; the low-balance notice only once a threshold (fen) is set.");
        mine.MapPut("", async (string tenantId, NoticePreferencesRequest body, HttpContext http, IDocumentStore store, TimeProvider clock) =>
                (await Put(http.User, store, tenantId, body, clock.GetUtcNow())).ToOk())
            .Doc("updateMyNoticePreferences", "Choose what the signed-in guardian is told",
                "receive: the notices wanted (bill-issued, payment-received, card-spend, low-balance, top-up-credited, card-frozen, card-lost); " +
                "lowBalanceBelow: fen, the card balance a spend must fall below for a low-balance notice (null: none); language: zh-CN or en. " +
                "A field left out keeps its value.")
            .Problems(400);
    }

    public static async Task<Outcome<NoticePreferencesView>> Get(ClaimsPrincipal user, IDocumentStore store, string tenantId)
    {
        user.RequireTenantAccess(tenantId, [Roles.Guardian]);
        await using var session = store.QuerySession(tenantId);
        return NoticePreferencesView.Of(await session.LoadAsync<NoticePreferences>(NoticePreferences.KeyOf(user.UserName())) ?? NoticePreferences.Default(user.UserName()));
    }

    public static async Task<Outcome<NoticePreferencesView>> Put(ClaimsPrincipal user, IDocumentStore store, string tenantId, NoticePreferencesRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, [Roles.Guardian]);
        var validation = new Validation();
        foreach (var t in body.Receive ?? []) validation.OneOf(t, "receive", NoticeTemplates.All);
        if (body.LowBalanceBelow is not null) validation.Amount(body.LowBalanceBelow, "lowBalanceBelow");
        if (body.Language is not null) validation.OneOf(body.Language, "language", NoticeTemplates.Languages);
        validation.ThrowIfInvalid();

        await using var session = store.LightweightSession(tenantId);
        var prefs = await session.LoadAsync<NoticePreferences>(NoticePreferences.KeyOf(user.UserName())) ?? NoticePreferences.Default(user.UserName());
        if (body.Receive is not null) prefs.Off = [.. NoticeTemplates.All.Where(t => !body.Receive.Contains(t))];
        prefs.LowBalanceBelow = body.LowBalanceBelow ?? (body.Receive is not null && !body.Receive.Contains(NoticeTemplates.LowBalance) ? null : prefs.LowBalanceBelow);
        if (body.Language is not null) prefs.Language = body.Language;
        prefs.UpdatedAt = now;
        session.Store(prefs);
        await session.SaveChangesAsync();
        return NoticePreferencesView.Of(prefs);
    }
}
