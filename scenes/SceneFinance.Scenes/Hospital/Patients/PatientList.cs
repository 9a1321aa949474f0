using System.Security.Claims;
using Marten;
using Marten.Pagination;
using SceneFinance.Grains;
using SceneFinance.Grains.Cards;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Hospital.Patients;

/// <summary>A patient as the cashier's list shows it: the medical card by its last 4, what is due, the deposit and credit care.</summary>
public sealed record PatientRow(string Id, string MedicalRecordNumber, string Name, string CardLast4, string Status,
    long Deposit, long Due, bool CreditCare, long CreditOutstanding, bool Overdue, bool Discharged);

/// <summary>
/// A hospital's patients (card holders of kind <c>patient</c>) for the cashier window, with the same access check as the
/// patient routes: by name (contains), medical record number (exact), the medical card's last 4, or the whole card number
/// as the reader types it. Each row carries the account's listing, never a full card or ID number.
/// </summary>
public static class PatientList
{
    public static async Task<(IReadOnlyList<PatientRow> Rows, long Total)> Page(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId,
        string? query, int page, int size)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        var q = query?.Trim() ?? "";
        // A swiped medical card: the card's own index finds its holder (the listing keeps only the last 4 digits).
        var swiped = q.Length is > 4 and <= 32 && q.All(char.IsAsciiLetterOrDigit)
            ? await grains.GetGrain<ICardGrain>(CardKeys.Grain(tenantId, q)).Holder()
            : null;
        await using var session = store.QuerySession(tenantId);
        IQueryable<CardHolderListing> listings = session.Query<CardHolderListing>().Where(l => l.Kind == "patient");
        if (swiped is not null) listings = listings.Where(l => l.Id == swiped);
        else if (q.Length > 0) listings = listings.Where(l => l.CardLast4 == q || l.ExternalId == q || l.Name.Contains(q, StringComparison.OrdinalIgnoreCase));
        // Ids are time-ordered (UUID v7), so this is newest first.
        var found = await listings.OrderByDescending(l => l.Id).ToPagedListAsync(page + 1, size);
        var accounts = (await session.LoadManyAsync<PatientAccountListing>(found.Select(l => l.Id).ToArray())).ToDictionary(a => a.Id);
        return (found.Select(l => accounts.TryGetValue(l.Id, out var a)
            ? new PatientRow(l.Id, l.ExternalId, l.Name, l.CardLast4, l.Status, a.Deposit, a.Due, a.CreditCare, a.CreditOutstanding, a.Overdue, a.Discharged)
            : new PatientRow(l.Id, l.ExternalId, l.Name, l.CardLast4, l.Status, 0, 0, false, 0, false, false)).ToList(), found.TotalItemCount);
    }
}
