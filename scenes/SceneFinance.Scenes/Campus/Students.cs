namespace SceneFinance.Scenes.Campus;

/// <summary>A guardian of a student as the roster names them; the phone is how they sign in (their username) and are reminded.</summary>
public sealed record GuardianContact(string Name, string Phone, string Relation);

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
    /// <summary>Guardian phones, for "whose children are these" queries.</summary>
    public List<string> GuardianPhones { get; set; } = [];
    /// <summary>A fingerprint of the roster row, so a re-import of the same row changes nothing.</summary>
    public string RowHash { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }

    public string StudentNumber => Id;
}
