using SceneFinance.Platform.Security;
using System.Security.Cryptography;
using System.Text;
using SceneFinance.Scenes.Campus.ImportingRosters;

namespace SceneFinance.Scenes.Canteen.Staff;

/// <summary>A staff roster row: an employee of an enterprise park or a government office who eats at the canteen.</summary>
public sealed record StaffRow(int Row, string StaffNumber, string Name, string? Department, string? CardNumber, string? Phone) : IRosterRow
{
    /// <summary>What the row says, so the same row imported again is recognised as unchanged (keyed: it covers the phone).</summary>
    public string Hash => Digests.Of("roster-row", string.Join('\u001f', StaffNumber, Name, Department, Phone));
}

/// <summary>
/// An employee as the roster has them (per tenant, id = the staff number, text with its leading zeros). The card and purses
/// are the card holder's (kind <c>staff</c>); the department is the holder's limit group (group:{department} limit rules,
/// subsidy and campaign eligibility).
/// </summary>
public sealed class StaffRecord
{
    public string Id { get; set; } = "";
    public string CardHolderId { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Department { get; set; }
    public string RowHash { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// Reads a staff roster from .xlsx or .csv through the campus roster's one reader (<see cref="RosterFile.Read{TRow}"/>): columns
/// staffNumber/工号, name/姓名, department/部门 (optional), cardNumber/卡号 (optional), phone/手机 (optional). Staff numbers are text.
/// </summary>
public static class StaffFile
{
    static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["staffnumber"] = "staffNumber", ["staff number"] = "staffNumber", ["工号"] = "staffNumber", ["员工编号"] = "staffNumber",
        ["name"] = "name", ["姓名"] = "name",
        ["department"] = "department", ["部门"] = "department",
        ["cardnumber"] = "cardNumber", ["卡号"] = "cardNumber",
        ["phone"] = "phone", ["手机"] = "phone", ["电话"] = "phone",
    };

    public static (List<StaffRow> Rows, List<RejectedRow> Rejected) Read(byte[] content) =>
        RosterFile.Read(content, Aliases, Parse, r => r.StaffNumber, (number, first) => $"Staff number {number} is already on row {first} of this file. 工号重复");

    static (StaffRow?, string?) Parse(int line, Dictionary<string, object?> cells)
    {
        var problems = new List<string>();
        var number = RosterFile.Id(cells, "staffNumber", "staffNumber (工号)", "工号", problems);
        var name = RosterFile.Text(cells, "name");
        if (name is null || name.Length > 100) problems.Add("name (姓名) is required, up to 100 characters");
        var department = RosterFile.Text(cells, "department");
        if (department is { Length: > 64 }) problems.Add("department (部门) is up to 64 characters");
        var card = RosterFile.Text(cells, "cardNumber");
        if (card is not null && !(card.Length is >= 4 and <= 32 && card.All(char.IsAsciiLetterOrDigit))) problems.Add("cardNumber (卡号) must be 4 to 32 letters or digits");
        var phone = RosterFile.Text(cells, "phone");
        if (phone is not null && !(phone.Length is >= 8 and <= 20 && phone.All(char.IsAsciiDigit))) problems.Add("phone (手机) must be 8 to 20 digits");
        return problems.Count > 0 ? (null, string.Join("; ", problems)) : (new StaffRow(line, number!, name!, department, card, phone), null);
    }
}
