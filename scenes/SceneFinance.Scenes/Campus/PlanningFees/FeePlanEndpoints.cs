using SceneFinance.Platform.Audit;
using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Campus.PlanningFees;

public sealed record FeeItemRequest(string? Name, string? Category, long? Amount);
public sealed record InstallmentRequest(DateOnly? DueDate, int? ShareBp);
public sealed record LateFeeRequest(long? Fixed, int? Bp);
public sealed record FeePlanRequest(
    string? Name, string? Term, string? Grade, string? Class, IReadOnlyList<FeeItemRequest?>? Items, IReadOnlyList<InstallmentRequest?>? Installments,
    int? SiblingDiscountBp, LateFeeRequest? LateFee);
public sealed record CampusSettingsRequest(long? MinimumPartialPayment, int? ReminderDaysBefore);

public sealed record FeePlanList(IReadOnlyList<FeePlan> Items);

public static class FeePlanEndpoints
{
    public const int MaxItems = 30, MaxInstallments = 12;

    public static void MapFeePlans(this IEndpointRouteBuilder api)
    {
        var plans = api.MapGroup("/tenants/{tenantId}/campus/fee-plans").WithTags("Campus");

        plans.MapPost("", async (string tenantId, FeePlanRequest body, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
                (await Create(http.User, store, grains, tenantId, body, clock.GetUtcNow())).ToCreated(p => $"/api/v1/tenants/{tenantId}/campus/fee-plans/{p.Id}"))
            .Doc("createFeePlan", "Create a fee plan for a term and a grade or class",
                "Items (收费项目), installments as shares in basis points adding up to 10000, the sibling discount and the late-fee rule. Bills are issued from it by generateBills.");

        plans.MapGet("", async (string tenantId, HttpContext http, IDocumentStore store) => (await List(http.User, store, tenantId)).ToOk())
            .Doc("listFeePlans", "The school's fee plans, newest first");

        plans.MapGet("/{planId}", async (string tenantId, string planId, HttpContext http, IDocumentStore store) =>
                (await Get(http.User, store, tenantId, planId)).ToOk())
            .Doc("getFeePlan", "One fee plan");

        var settings = api.MapGroup("/tenants/{tenantId}/campus/settings").WithTags("Campus");
        settings.MapGet("", async (string tenantId, HttpContext http, IDocumentStore store) => (await GetSettings(http.User, store, tenantId)).ToOk())
            .Doc("getCampusSettings", "The school's rules for paying bills", "The minimum part payment and how many days before a due date reminders go out. Guardians read them too.");
        settings.MapPut("", async (string tenantId, CampusSettingsRequest body, HttpContext http, IDocumentStore store) =>
                (await PutSettings(http.User, store, tenantId, body)).ToOk())
            .Doc("updateCampusSettings", "Change the school's rules for paying bills", "Tenant admins only; a field left out keeps its value.");
    }

    public static async Task<Outcome<FeePlan>> Create(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, FeePlanRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        await grains.FindTenant(tenantId).OrThrow();
        var plan = Validate(body);
        plan.Id = Ids.New("plan");
        plan.CreatedBy = user.UserName();
        plan.CreatedAt = now;
        await using var session = store.LightweightSession(tenantId);
        session.Insert(plan);
        await session.SaveChangesAsync();
        return plan;
    }

    public static async Task<Outcome<FeePlanList>> List(ClaimsPrincipal user, IDocumentStore store, string tenantId)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        await using var session = store.QuerySession(tenantId);
        return new FeePlanList(await session.Query<FeePlan>().OrderByDescending(p => p.CreatedAt).ToListAsync());
    }

    public static async Task<Outcome<FeePlan>> Get(ClaimsPrincipal user, IDocumentStore store, string tenantId, string planId)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        return await Find(store, tenantId, planId);
    }

    public static async Task<Outcome<CampusSettings>> GetSettings(ClaimsPrincipal user, IDocumentStore store, string tenantId)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.StaffAndGuardians);
        return await Settings(store, tenantId);
    }

    public static async Task<Outcome<CampusSettings>> PutSettings(ClaimsPrincipal user, IDocumentStore store, string tenantId, CampusSettingsRequest body)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        new Validation()
            .Require(body.MinimumPartialPayment is null or (>= 0 and <= Validation.MaxAmount), "minimumPartialPayment", "minimumPartialPayment must be fen between 0 and 100000000.")
            .Require(body.ReminderDaysBefore is null or (>= 0 and <= 60), "reminderDaysBefore", "reminderDaysBefore must be 0 to 60.")
            .ThrowIfInvalid();
        var current = await Settings(store, tenantId);
        var before = new { current.MinimumPartialPayment, current.ReminderDaysBefore };
        current.MinimumPartialPayment = body.MinimumPartialPayment ?? current.MinimumPartialPayment;
        current.ReminderDaysBefore = body.ReminderDaysBefore ?? current.ReminderDaysBefore;
        await using var session = store.LightweightSession(tenantId);
        session.Store(current);
        session.Audit(tenantId, "campus-settings.changed", "campus-settings", before, new { current.MinimumPartialPayment, current.ReminderDaysBefore });
        await session.SaveChangesAsync();
        return current;
    }

    /// <summary>The school's settings (the defaults until a tenant admin changes them).</summary>
    public static async Task<CampusSettings> Settings(IDocumentStore store, string tenantId)
    {
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<CampusSettings>(CampusSettings.DocumentId) ?? new CampusSettings();
    }

    public static async Task<Outcome<FeePlan>> Find(IDocumentStore store, string tenantId, string planId)
    {
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<FeePlan>(planId) is { } plan ? plan : Refusal.NotFound("The fee plan");
    }

    static FeePlan Validate(FeePlanRequest b)
    {
        var v = new Validation()
            .Text(b.Name, "name", 100).Text(b.Term, "term", 32).Text(b.Grade, "grade", 32)
            .Require(b.Class is null || b.Class.Length is > 0 and <= 32, "class", "class must be 1 to 32 characters, or left out for the whole grade.")
            .Require(b.Items is { Count: > 0 and <= MaxItems }, "items", $"items must hold 1 to {MaxItems} fee items.")
            .Require(b.Installments is null || b.Installments.Count <= MaxInstallments, "installments", $"at most {MaxInstallments} installments.")
            .Require(b.SiblingDiscountBp is null or (>= 0 and <= 10000), "siblingDiscountBp", "siblingDiscountBp must be 0 to 10000 basis points.")
            .Require(b.LateFee?.Fixed is null or (>= 0 and <= Validation.MaxAmount), "lateFee.fixed", "lateFee.fixed must be fen between 0 and 100000000.")
            .Require(b.LateFee?.Bp is null or (>= 0 and <= 10000), "lateFee.bp", "lateFee.bp must be 0 to 10000 basis points.");
        for (var i = 0; i < (b.Items?.Count ?? 0); i++)
        {
            var item = b.Items![i];
            v.Text(item?.Name, $"items[{i}].name", 100).Amount(item?.Amount, $"items[{i}].amount")
                .Require(item?.Category is null || item.Category.Length <= 32, $"items[{i}].category", "category must be at most 32 characters.");
        }
        var installments = b.Installments ?? [];
        for (var i = 0; i < installments.Count; i++)
        {
            v.Require(installments[i]?.DueDate is not null, $"installments[{i}].dueDate", "dueDate is required (yyyy-MM-dd).")
                .Require(installments[i]?.ShareBp is > 0 and <= 10000, $"installments[{i}].shareBp", "shareBp must be 1 to 10000 basis points.");
            if (i > 0) v.Require(installments[i]?.DueDate > installments[i - 1]?.DueDate, $"installments[{i}].dueDate", "due dates must be in order.");
        }
        v.Require(installments.Count == 0 || installments.Sum(x => x?.ShareBp ?? 0) == 10000, "installments", "the shares must add up to 10000 basis points.")
            .Require(installments.Count > 0, "installments", "give at least one due date (one installment of 10000 for a single payment).");
        v.Require(b.Items is null || b.Items.Sum(i => i?.Amount ?? 0) <= Validation.MaxAmount, "items", "the plan's total must be at most 100000000 fen.");
        v.ThrowIfInvalid();
        return new FeePlan
        {
            Name = b.Name!.Trim(), Term = b.Term!.Trim(), Grade = b.Grade!.Trim(), Class = b.Class?.Trim(),
            Items = [.. b.Items!.Select(i => new FeeItem(i!.Name!.Trim(), i.Category?.Trim() ?? "fee", i.Amount!.Value))],
            Installments = [.. installments.Select(i => new InstallmentRule(i!.DueDate!.Value, i.ShareBp!.Value))],
            SiblingDiscountBp = b.SiblingDiscountBp ?? 0, LateFeeFixed = b.LateFee?.Fixed ?? 0, LateFeeBp = b.LateFee?.Bp ?? 0,
        };
    }
}
