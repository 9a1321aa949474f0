using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Grains.Cards;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Scenes.Hospital.PayingOrders;

namespace SceneFinance.Scenes.Hospital.OwnView;

/// <summary>One patient record registered under the signed-in phone: the medical card by its last 4, what is due, deposit and credit.</summary>
public sealed record MyPatient(string Name, string MedicalCardLast4, long DueAmount, DepositView Deposit, CreditView? Credit, bool Discharged);

public sealed record MyHospital(string TenantId, string HospitalName, IReadOnlyList<MyPatient> Patients);

/// <summary>A visit as the HIS named it (its orders grouped): when it began and what it cost, the insurer's and the patient's parts.</summary>
public sealed record MyVisit(string VisitId, string PatientName, DateTimeOffset FirstAt, int Orders, long Amount, long InsuredAmount, long SelfPayAmount,
    long PaidAmount, long DueAmount);

public sealed record MyVisitPage(IReadOnlyList<MyVisit> Items, long Total);

public sealed record MyOrder(string PatientName, OrderView Order);

public sealed record MyOrderPage(IReadOnlyList<MyOrder> Items, long Total);

/// <summary>Money the patient paid: for orders (<c>orders</c>), into the deposit (<c>deposit</c>) or against credit care (<c>credit</c>).</summary>
public sealed record MyPayment(string Id, string PatientName, string Purpose, string Tender, string? Channel, long Amount, DateTimeOffset PaidAt);

public sealed record MyPaymentPage(IReadOnlyList<MyPayment> Items, long Total);

/// <summary>A refund as the patient sees it: where each part went back to (not who at the hospital asked or approved it).</summary>
public sealed record MyRefund(string Id, string PatientName, string Kind, string? OrderId, long Amount, string Reason, string Status,
    IReadOnlyList<RefundLineView> Lines, DateTimeOffset RequestedAt);

public sealed record MyRefundPage(IReadOnlyList<MyRefund> Items, long Total);

public sealed record MyReport(string Title, string VisitId, string PatientName, DateTimeOffset ReadyAt);

public sealed record MyReportPage(IReadOnlyList<MyReport> Items, long Total);

/// <summary>A payment's receipt for printing: the hospital, the patient (card by its last 4), what it paid for, and the platform's receipt.</summary>
public sealed record MyReceipt(string HospitalName, string PatientName, string MedicalCardLast4, string Purpose, Receipt Receipt);

/// <summary>
/// The patient's own view (银医通): a person signed in by phone and one-time code (role <c>patient</c>) reads the records the
/// hospital registered under that phone, and nothing else. No route takes a patient id: the patients are found on the server
/// from the signed-in phone's digest, in the tenant of the route, which must be one the sign-in named. The API routes and the
/// patient's pages call the same functions.
/// </summary>
public static class PatientSelf
{
    public const string Orders = "orders", Deposit = "deposit", Credit = "credit";

    public static void MapPatientSelf(this IEndpointRouteBuilder hospital)
    {
        var my = hospital.MapGroup("/my");
        const string Paged = " page from 0, size 1 to 100 (default 20).";

        my.MapGet("", async (string tenantId, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
                TypedResults.Ok(await Hospital(http.User, store, grains, tenantId)))
            .Doc("getMyHospitalAccount", "A patient's own account at this hospital",
                "For a patient signed in by phone (/auth/phone-token): every record the hospital registered under that phone, with what is due, "
                + "the deposit and the credit line. Other people's records are never shown; staff get 403.");
        my.MapGet("/visits", async (string tenantId, int? page, int? size, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
                TypedResults.Ok(await Visits(http.User, store, grains, tenantId, page ?? 0, size ?? 20)))
            .Doc("listMyVisits", "A patient's own visits", "The HIS visits of the patient's orders, newest first, with the insurer's and the patient's parts." + Paged);
        my.MapGet("/orders", async (string tenantId, string? visitId, int? page, int? size, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
                TypedResults.Ok(await OrdersOf(http.User, store, grains, tenantId, visitId, page ?? 0, size ?? 20)))
            .Doc("listMyOrders", "A patient's own orders", "Newest first, optionally of one visit (visitId), each with its insured and self-pay parts and the tenders that paid it." + Paged);
        my.MapGet("/payments", async (string tenantId, int? page, int? size, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
                TypedResults.Ok(await Payments(http.User, store, grains, tenantId, page ?? 0, size ?? 20)))
            .Doc("listMyPayments", "A patient's own payments", "Orders paid, deposits paid in and credit repaid, newest first; each has a receipt." + Paged);
        my.MapGet("/payments/{paymentId}/receipt", async (string tenantId, string paymentId, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
                (await ReceiptOf(http.User, store, grains, tenantId, paymentId)).ToOk())
            .Doc("getMyReceipt", "The receipt of one of the patient's own payments", "404 for a payment that is not the signed-in patient's.");
        my.MapGet("/refunds", async (string tenantId, int? page, int? size, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
                TypedResults.Ok(await Refunds(http.User, store, grains, tenantId, page ?? 0, size ?? 20)))
            .Doc("listMyRefunds", "A patient's own refunds", "Newest first, each split over the tenders it went back to." + Paged);
        my.MapGet("/reports", async (string tenantId, int? page, int? size, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
                TypedResults.Ok(await Reports(http.User, store, grains, tenantId, page ?? 0, size ?? 20)))
            .Doc("listMyReports", "Which of the patient's reports are ready", "Title, visit and time of each report the HIS said is available (not its content), newest first." + Paged);
    }

    sealed record Mine(string Id, string Name, string CardLast4, PatientAccountView Account);

    /// <summary>
    /// The patients registered under the signed-in phone in this tenant, with their accounts. Only a patient's sign-in may ask (staff
    /// have their own pages; the platform admin's name is no phone and finds nobody).
    /// </summary>
    static async Task<IReadOnlyList<Mine>> Patients(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId)
    {
        user.RequireTenantAccess(tenantId, [Roles.Patient]);
        if (PatientDirectory.Digest(user.Identity?.Name) is not { } digest) return [];
        await using var session = store.QuerySession(tenantId);
        var listed = await session.Query<CardHolderListing>().Where(l => l.PhoneDigest == digest && l.Kind == "patient")
            .OrderBy(l => l.Id).Take(20).ToListAsync();
        var mine = new List<Mine>();
        foreach (var l in listed)
            if ((await grains.GetGrain<IPatientAccountGrain>(GrainKeys.For(tenantId, l.Id)).Get()).Value is { } account)
                mine.Add(new Mine(l.Id, l.Name, l.CardLast4, account));
        return mine;
    }

    static void RequirePage(int page, int size) =>
        new Validation().Require(page is >= 0 and <= 10_000, "page", "page is 0 to 10000.").Require(size is >= 1 and <= 100, "size", "size is 1 to 100.").ThrowIfInvalid();

    static (IReadOnlyList<T> Items, long Total) Slice<T>(IEnumerable<T> all, int page, int size)
    {
        var list = all.ToList();
        return ([.. list.Skip(page * size).Take(size)], list.Count);
    }

    public static async Task<MyHospital> Hospital(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId)
    {
        var mine = await Patients(user, store, grains, tenantId);
        var name = (await grains.GetGrain<ITenantGrain>(tenantId).Get())?.Name ?? tenantId;
        return new MyHospital(tenantId, name, [.. mine.Select(m => new MyPatient(m.Name, m.CardLast4, m.Account.DueAmount, m.Account.Deposit, m.Account.Credit, m.Account.Discharged))]);
    }

    public static async Task<MyVisitPage> Visits(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, int page, int size)
    {
        RequirePage(page, size);
        var visits = (await Patients(user, store, grains, tenantId))
            .SelectMany(m => m.Account.Orders.Where(o => o.Status != OrderStatus.Canceled).GroupBy(o => o.VisitId).Select(v => new MyVisit(v.Key, m.Name,
                v.Min(o => o.PostedAt), v.Count(), v.Sum(o => o.Amount), v.Sum(o => o.InsuredAmount), v.Sum(o => o.SelfPayAmount), v.Sum(o => o.PaidAmount), v.Sum(o => o.DueAmount))))
            .OrderByDescending(v => v.FirstAt).ThenBy(v => v.VisitId, StringComparer.Ordinal);
        var (items, total) = Slice(visits, page, size);
        return new MyVisitPage(items, total);
    }

    public static async Task<MyOrderPage> OrdersOf(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, string? visitId, int page, int size)
    {
        RequirePage(page, size);
        var orders = (await Patients(user, store, grains, tenantId))
            .SelectMany(m => m.Account.Orders.Where(o => visitId is null || o.VisitId == visitId).Select(o => new MyOrder(m.Name, o)))
            .OrderByDescending(o => o.Order.PostedAt).ThenBy(o => o.Order.Id, StringComparer.Ordinal);
        var (items, total) = Slice(orders, page, size);
        return new MyOrderPage(items, total);
    }

    public static async Task<MyRefundPage> Refunds(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, int page, int size)
    {
        RequirePage(page, size);
        var refunds = (await Patients(user, store, grains, tenantId))
            .SelectMany(m => m.Account.Refunds.Select(r => new MyRefund(r.Id, m.Name, r.Kind, r.OrderId, r.Amount, r.Reason, r.Status, r.Lines, r.RequestedAt)))
            .OrderByDescending(r => r.RequestedAt);
        var (items, total) = Slice(refunds, page, size);
        return new MyRefundPage(items, total);
    }

    public static async Task<MyReportPage> Reports(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, int page, int size)
    {
        RequirePage(page, size);
        var mine = await Patients(user, store, grains, tenantId);
        var (items, total) = await HisReports.Of(store, tenantId, [.. mine.Select(m => m.Id)], page, size);
        var names = mine.ToDictionary(m => m.Id, m => m.Name);
        return new MyReportPage([.. items.Select(r => new MyReport(r.Title, r.VisitId, names.GetValueOrDefault(r.PatientId, ""), r.ReadyAt))], total);
    }

    /// <summary>One payment of a patient's stream, and the account just after it (what its receipt shows as left).</summary>
    sealed record Paid(Mine Patient, object Event, PatientAccount After)
    {
        public MyPayment Row => Event switch
        {
            OrdersPaid p => new MyPayment(p.PaymentId, Patient.Name, Orders, p.Tender, p.Channel, p.Amount, p.PaidAt),
            DepositPaidIn d => new MyPayment(d.IntentId, Patient.Name, Deposit, Tenders.Channel, d.Channel, d.Amount, d.PaidAt),
            CreditRepaid c => new MyPayment(c.IntentId, Patient.Name, Credit, Tenders.Channel, c.Channel, c.Amount, c.RepaidAt),
            _ => throw new InvalidOperationException("not a payment"),
        };

        public Receipt Receipt => Event switch
        {
            OrdersPaid p => Receipts.Of(After, p),
            _ => new Receipt(Row.Id, "paid", Row.Tender, Row.Channel, Row.Amount, [], After.Deposit, After.CreditOutstanding, Row.PaidAt),
        };
    }

    /// <summary>The payments, read from the patients' streams (each folded as it goes, so a receipt shows the account as it was then).</summary>
    static async Task<List<Paid>> PaymentsOf(IDocumentStore store, string tenantId, IReadOnlyList<Mine> mine)
    {
        var all = new List<Paid>();
        await using var session = store.QuerySession(tenantId);
        foreach (var m in mine)
        {
            var state = PatientAccount.Empty(m.Id);
            foreach (var e in await session.Events.FetchStreamAsync("hosp-" + m.Id))
            {
                state = state.Apply(e.Data);
                if (e.Data is OrdersPaid or DepositPaidIn or CreditRepaid) all.Add(new Paid(m, e.Data, state));
            }
        }
        return all;
    }

    public static async Task<MyPaymentPage> Payments(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, int page, int size)
    {
        RequirePage(page, size);
        var paid = await PaymentsOf(store, tenantId, await Patients(user, store, grains, tenantId));
        var (items, total) = Slice(paid.Select(p => p.Row).OrderByDescending(p => p.PaidAt).ThenBy(p => p.Id, StringComparer.Ordinal), page, size);
        return new MyPaymentPage(items, total);
    }

    /// <summary>A receipt of one of the signed-in patient's payments; anyone else's payment id is <c>not_found</c>.</summary>
    public static async Task<Outcome<MyReceipt>> ReceiptOf(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, string paymentId)
    {
        var mine = await Patients(user, store, grains, tenantId);
        if (paymentId.Length > 64 || (await PaymentsOf(store, tenantId, mine)).FirstOrDefault(p => p.Row.Id == paymentId) is not { } paid)
            return Refusal.NotFound("The payment");
        var name = (await grains.GetGrain<ITenantGrain>(tenantId).Get())?.Name ?? tenantId;
        return new MyReceipt(name, paid.Patient.Name, paid.Patient.CardLast4, paid.Row.Purpose, paid.Receipt);
    }
}
