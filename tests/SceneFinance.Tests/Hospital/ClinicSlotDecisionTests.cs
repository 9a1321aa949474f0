using SceneFinance.Scenes.Hospital.Registering;

namespace SceneFinance.Tests.Hospital;

/// <summary>A clinic session's numbers, Given (events) / When (take) / Then (number or refusal), without Orleans or a database.</summary>
public sealed class ClinicSlotDecisionTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    static ClinicSession Given(params object[] events) => events.Aggregate((ClinicSession?)null, ClinicSession.Fold)!;

    static readonly ClinicSlotOpened Opened = new("slot_1", "内科", "Dr Wang", Now.AddHours(2), 1500, 2, Now);

    [Fact]
    public void Numbers_count_up_once_per_registration_and_stop_at_the_capacity()
    {
        var s = Given(Opened);
        var first = ClinicSlotDecisions.Take(s, new TakeNumber("reg-a", "ch_a", Now)).Event<ClinicNumberTaken>()!;
        Assert.Equal(1, first.Number);
        s = Given(Opened, first);
        Assert.Empty(ClinicSlotDecisions.Take(s, new TakeNumber("reg-a", "ch_a", Now)).Events); // asked again: the number it has
        Assert.Equal(1, s.NumberOf("reg-a").Number);
        var second = ClinicSlotDecisions.Take(s, new TakeNumber("reg-b", "ch_b", Now)).Event<ClinicNumberTaken>()!;
        Assert.Equal(2, second.Number);
        s = Given(Opened, first, second);
        Assert.Equal("This clinic session is full.", ClinicSlotDecisions.Take(s, new TakeNumber("reg-c", "ch_c", Now)).Refusal?.Detail);
        Assert.Equal(2, s.Listing().Taken);
    }

    [Fact]
    public void A_session_opens_once()
    {
        var opened = ClinicSlotDecisions.Open(null, "slot_1", new OpenClinicSlot("内科", "Dr Wang", Now.AddHours(2), 1500, 2, Now));
        Assert.IsType<ClinicSlotOpened>(Assert.Single(opened.Events));
        Assert.Equal("conflict", ClinicSlotDecisions.Open(Given(Opened), "slot_1", new OpenClinicSlot("内科", "Dr Wang", Now, 1500, 2, Now)).Refusal?.Code);
    }
}
