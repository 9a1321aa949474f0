using System.Security.Claims;
using Marten;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Patients;

namespace SceneFinance.Scenes.Hospital.Insuring;

public static class ClaimStatus
{
    /// <summary>Booked with the patient's payment; the runner submits it next.</summary>
    public const string Queued = "queued";
    /// <summary>The insurer received the claim file; its answer is awaited.</summary>
    public const string Submitted = "submitted";
    /// <summary>No insurer connection (a live tenant without credentials): the answer is entered by hand, with a second person's approval.</summary>
    public const string Manual = "manual";
    public const string Approved = "approved", PartlyApproved = "partly_approved", Rejected = "rejected";

    public static readonly string[] All = [Queued, Submitted, Manual, Approved, PartlyApproved, Rejected];

    public static bool Answered(string status) => status is Approved or PartlyApproved or Rejected;

    /// <summary>The claim's status once the patient's account recorded the insurer's word on the order.</summary>
    public static string Of(string insurance) => insurance switch
    {
        Insurance.Settled => Approved,
        Insurance.PartlySettled => PartlyApproved,
        Insurance.Rejected => Rejected,
        _ => Submitted,
    };
}

/// <summary>
/// One insurance claim (claim file, e-voucher) for the insurer's part of one order, per tenant. It is inserted in the same commit
/// as the patient's payment that booked the receivable (so a payment never goes without its claim, and a claim never exists
/// without the payment), and it is the exchange's listing: submitted, answered. The money is the patient account's stream.
/// </summary>
public sealed class InsuranceClaim
{
    /// <summary>The claim number (<see cref="InsuranceClaims.ClaimNo"/>): derived from the order, so it is the same however often it is sent.</summary>
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string PatientId { get; set; } = "";
    /// <summary>Masked (<c>张*</c>): lists and the claim file never carry the whole name.</summary>
    public string PatientName { get; set; } = "";
    public string OrderId { get; set; } = "";
    public string HisOrderId { get; set; } = "";
    public string Description { get; set; } = "";
    public string InsurerId { get; set; } = "";
    public long OrderAmount { get; set; }
    public long Claimed { get; set; }
    public long? Approved { get; set; }
    public string Status { get; set; } = ClaimStatus.Queued;
    public string? Reason { get; set; }
    /// <summary><c>insurer</c> for a signed answer, else the name of the person whose manual entry was approved.</summary>
    public string? AnsweredBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
}

public sealed record InsuranceClaimList(IReadOnlyList<InsuranceClaim> Items, long Total);

public static class InsuranceClaims
{
    /// <summary>Who reads the claims list (the auditor too).</summary>
    public static readonly string[] Readers = Roles.TenantReaders;

    /// <summary>One claim per order, the same number every time: a resubmission is the same claim to the insurer.</summary>
    public static string ClaimNo(string tenantId, string orderId) => Ids.Derived("clm", $"{tenantId}|{orderId}");

    /// <summary>Keeps the first character of a name: <c>张*</c>, <c>L******</c>.</summary>
    public static string MaskName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "*" : name.Trim()[..1] + new string('*', Math.Max(1, name.Trim().Length - 1));

    /// <summary>
    /// What follows a patient account's decision for insurance: an order's insurer part booked by a payment opens its claim, in the
    /// same commit. A part is booked once per order (after that it is settled, partly settled or rejected), so the insert is once.
    /// </summary>
    public static Decided Follow(string tenantId, PatientAccount next, Decided d, string? patientName)
    {
        var claims = d.Events.OfType<OrdersPaid>().SelectMany(p => p.Orders.Where(x => x.InsurerPart > 0 && x.InsurerId is not null).Select(x => (p.PaidAt, Share: x)))
            .Where(x => next.Orders.ContainsKey(x.Share.OrderId))
            .Select(x =>
            {
                var order = next.Orders[x.Share.OrderId];
                return new InsuranceClaim
                {
                    Id = ClaimNo(tenantId, order.OrderId), TenantId = tenantId, PatientId = next.PatientId, PatientName = MaskName(patientName),
                    OrderId = order.OrderId, HisOrderId = order.HisOrderId, Description = order.Description, InsurerId = x.Share.InsurerId!,
                    OrderAmount = order.Amount, Claimed = x.Share.InsurerPart, CreatedAt = x.PaidAt,
                };
            }).ToList();
        return claims.Count == 0 ? d : d.Insert(claims);
    }

    public static async Task<InsuranceClaim?> Load(IDocumentStore store, string tenantId, string claimNo)
    {
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<InsuranceClaim>(claimNo);
    }

    /// <summary>Rewrites a claim's listing in place (its submission, or the answer the patient's account recorded).</summary>
    public static async Task Save(IDocumentStore store, InsuranceClaim claim)
    {
        await using var session = store.LightweightSession(claim.TenantId);
        session.Store(claim);
        await session.SaveChangesAsync();
    }

    /// <summary>The listing after the patient's account recorded the insurer's word on the order (the account's view is the truth).</summary>
    public static async Task Answered(IDocumentStore store, InsuranceClaim claim, OrderView order, string? reason, string answeredBy, DateTimeOffset now)
    {
        var status = ClaimStatus.Of(order.Insurance);
        if (!ClaimStatus.Answered(status) || ClaimStatus.Answered(claim.Status)) return;
        claim.Status = status;
        claim.Approved = status switch
        {
            ClaimStatus.Approved => claim.Claimed,
            ClaimStatus.Rejected => 0,
            _ => order.InsurerApprovedAmount,
        };
        claim.Reason = reason;
        claim.AnsweredBy = answeredBy;
        claim.AnsweredAt = now;
        await Save(store, claim);
    }

    /// <summary>The order's claim when it has one (an order paid before the exchange existed has none).</summary>
    public static Task<InsuranceClaim?> ForOrder(IDocumentStore store, string tenantId, string orderId) => Load(store, tenantId, ClaimNo(tenantId, orderId));

    /// <summary>The tenant's claims, newest first; <paramref name="status"/> one of <see cref="ClaimStatus.All"/>.</summary>
    public static async Task<Outcome<InsuranceClaimList>> List(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? status, int offset, int limit)
    {
        user.RequireTenantAccess(tenantId, Readers);
        new Platform.Problems.Validation().Require(status is null or "" || ClaimStatus.All.Contains(status), "status",
            $"status is one of {string.Join(", ", ClaimStatus.All)}.").ThrowIfInvalid();
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<InsuranceClaim>().AsQueryable();
        if (!string.IsNullOrEmpty(status)) query = query.Where(c => c.Status == status);
        var total = await query.CountAsync();
        var items = await query.OrderByDescending(c => c.CreatedAt).Skip(Math.Max(0, offset)).Take(Math.Clamp(limit, 1, 500)).ToListAsync();
        return new InsuranceClaimList(items, total);
    }

    public static void Configure(StoreOptions opts) =>
        opts.Schema.For<InsuranceClaim>().Index(x => x.Status).Index(x => x.CreatedAt);
}
