using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Campus;

/// <summary>
/// A guardian of a student as the roster names them; the phone is how they sign in (their username) and are reminded. Kept in a
/// <see cref="StudentRecord"/>, <see cref="Phone"/> is sealed (<see cref="Sealer"/>; clear in records written before) and
/// <see cref="PhoneShown"/> is what staff see of it.
/// </summary>
public sealed record GuardianContact(string Name, string Phone, string Relation, string? PhoneShown = null)
{
    /// <summary>The phone masked, as every response shows it (api-v1.md).</summary>
    public string? Masked => PhoneShown ?? (Sealer.IsSealed(Phone) ? null : Masking.Phone(Phone));

    /// <summary>As a record keeps it: the phone sealed, its masked form beside it.</summary>
    public GuardianContact Sealed(Sealer sealer) => this with { Phone = sealer.Seal(Phone)!, PhoneShown = Masked };
}

/// <summary>
/// A student as the school's roster has them (per tenant, id = the student number, kept as text with its leading zeros).
/// The card and purse are the card holder's (<see cref="CardHolderId"/>, kind <c>student</c>); grade, class and guardians live here.
/// </summary>
public sealed class StudentRecord
{
    public string Id { get; set; } = "";
    /// <summary>The school (also Marten's tenant): for "which schools name this phone" across tenants, when a guardian signs in.</summary>
    public string TenantId { get; set; } = "";
    public string CardHolderId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Grade { get; set; } = "";
    public string Class { get; set; } = "";
    public List<GuardianContact> Guardians { get; set; } = [];
    /// <summary>
    /// Guardian phones for "whose children are these" queries, as keyed digests (<see cref="Digests.OfPhone"/>); records written
    /// before digests hold the phones clear, so a query asks for both (<see cref="PhoneKeys"/>).
    /// </summary>
    public List<string> GuardianPhones { get; set; } = [];

    /// <summary>What <see cref="GuardianPhones"/> may hold for a phone: its digest, or (in an older record) the phone itself.</summary>
    public static (string Digest, string Clear) PhoneKeys(string phone) => (Digests.OfPhone(phone)!, phone);

    public bool NamesGuardian(string phone) => PhoneKeys(phone) is var (digest, clear) && (GuardianPhones.Contains(digest) || GuardianPhones.Contains(clear));
    /// <summary>A fingerprint of the roster row, so a re-import of the same row changes nothing.</summary>
    public string RowHash { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When a roster marked the student as left (their card holder closed then); null while at the school.</summary>
    public DateTimeOffset? LeftAt { get; set; }

    public string StudentNumber => Id;
}
