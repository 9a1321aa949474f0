namespace SceneFinance.Grains.Cards;

/// <summary>Which holder a card number belongs to, per tenant (id = <see cref="CardKeys.Of"/> of the number). A replaced card keeps pointing at its holder, retired.</summary>
public sealed class CardAssignment
{
    public string Id { get; set; } = "";
    public string CardHolderId { get; set; } = "";
    public bool Retired { get; set; }
}

/// <summary>Claims an external id (student number, staff id, medical record) for one holder, per tenant.</summary>
public sealed class ExternalIdClaim
{
    public string Id { get; set; } = "";
    public string CardHolderId { get; set; } = "";
}
