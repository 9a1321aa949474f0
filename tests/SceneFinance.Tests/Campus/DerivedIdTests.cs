using System.Security.Cryptography;
using System.Text;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Scenes.Campus.ImportingRosters;

namespace SceneFinance.Tests.Campus;

/// <summary>
/// Ids derived from what they name must not change when their formula moves (to the platform's Ids.Derived): a student imported
/// again must find the card holder made last term, a plan generated again its bills, a gate tap sent again its first record.
/// </summary>
public sealed class DerivedIdTests
{
    /// <summary>The formula the campus scene used before: the prefix, then 13 bytes of SHA-256 in lowercase hex.</summary>
    static string AsBefore(string prefix, string source) =>
        prefix + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)), 0, 13).ToLowerInvariant();

    [Theory]
    [InlineData("000123")]
    [InlineData("S-2026-0001")]
    public void A_students_card_holder_keeps_its_id(string studentNumber) =>
        Assert.Equal(AsBefore("ch_", "student|" + studentNumber), RosterImporter.CardHolderIdFor(studentNumber));

    [Fact]
    public void A_plans_bill_for_a_student_keeps_its_id() =>
        Assert.Equal(AsBefore("bill_", "plan_0193|000123"), BillGenerator.BillIdFor("plan_0193", "000123"));

    [Fact]
    public void A_gate_tap_keeps_its_id() =>
        Assert.Equal(AsBefore("tap_", "term_1|key-7"), SceneFinance.Platform.Tenancy.Ids.Derived("tap", "term_1|key-7"));
}
