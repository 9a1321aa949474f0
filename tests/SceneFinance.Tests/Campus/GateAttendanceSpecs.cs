using System.Net;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Campus;

/// <summary>Gates sign their taps like tills sign payments; attendance is computed from the taps, per local day.</summary>
[Collection(SharedCampusApp.Name)]
public sealed class GateAttendanceSpecs(CampusApp app)
{
    static string Phone() => "13" + Random.Shared.NextInt64(100_000_000, 999_999_999);

    [Fact]
    public async Task Gate_taps_make_a_daily_attendance_list_of_first_in_and_last_out()
    {
        var s = await Scenario.Start(app, "campus");
        await s.ImportCsv(Roster.Csv(Roster.Row("0301", "早到", "三年级", "1班", "家长", Phone()), Roster.Row("0302", "缺席", "三年级", "1班", "家长", Phone())));
        var holder = (await s.Api.Get($"{s.Base}/campus/students/0301", s.AdminToken)).Expect(HttpStatusCode.OK)["cardHolderId"].GetValue<string>();
        var card = "8" + Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999);
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/replace-card", new { newCardNumber = card }, s.AdminToken)).Expect(HttpStatusCode.OK);
        var gate = await s.Terminal("gate");
        var pos = await s.Terminal("pos");
        var morning = Scenario.LocalTime(1, 7, 30);
        var evening = morning.AddHours(9);
        string Body(DateTimeOffset at, string? direction = null) => System.Text.Json.JsonSerializer.Serialize(new { cardNumber = card, occurredAt = at.ToUniversalTime(), direction });

        var tap = (await s.Api.Signed(gate, "/api/v1/terminal/gate-taps", Body(morning, "in"), "t1")).Expect(HttpStatusCode.OK);
        Assert.Equal(("accepted", "0301"), (tap["status"].GetValue<string>(), tap["studentNumber"].GetValue<string>()));
        Assert.Equal(tap.Raw, (await s.Api.Signed(gate, "/api/v1/terminal/gate-taps", Body(morning, "in"), "t1")).Expect(HttpStatusCode.OK).Raw);
        (await s.Api.Signed(gate, "/api/v1/terminal/gate-taps", Body(morning.AddHours(3)), "t2")).Expect(HttpStatusCode.OK);
        (await s.Api.Signed(gate, "/api/v1/terminal/gate-taps", Body(evening, "out"), "t3")).Expect(HttpStatusCode.OK);
        var unknown = (await s.Api.Signed(gate, "/api/v1/terminal/gate-taps", System.Text.Json.JsonSerializer.Serialize(new { cardNumber = "99999999" }), "t4")).Expect(HttpStatusCode.OK);
        Assert.Equal(("rejected", "not_found"), (unknown["status"].GetValue<string>(), unknown["reason"].GetValue<string>()));
        (await s.Api.Signed(pos, "/api/v1/terminal/gate-taps", Body(morning), "t5")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await s.Api.Signed(gate, "/api/v1/terminal/gate-taps", Body(morning), "t6", secret: "wrong")).ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");

        var date = DateOnly.FromDateTime(morning.DateTime).ToString("yyyy-MM-dd");
        var day = (await s.Api.Get($"{s.Base}/campus/attendance?date={date}&grade=三年级", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal((1, 1), (day["present"].GetValue<int>(), day["absent"].GetValue<int>()));
        var row = day["items"].AsArray().Single(r => r!.Str("studentNumber") == "0301")!;
        Assert.Equal(morning, row["firstIn"]!.GetValue<DateTimeOffset>());
        Assert.Equal(evening, row["lastOut"]!.GetValue<DateTimeOffset>());
        Assert.Equal(3, row["taps"]!.GetValue<int>());

        var xlsx = await s.Xlsx($"{s.Base}/campus/attendance?date={date}&format=xlsx");
        // Times are date cells now (Platform Xlsx), in the school's zone.
        Assert.Contains(xlsx, r => r["学号 Student number"]?.ToString() == "0301" && r["首次进校 First in"] is DateTime firstIn && firstIn.ToString("HH:mm:ss") == "07:30:00");
    }

    [Fact]
    public async Task A_replaced_card_no_longer_opens_the_gate_even_when_the_new_card_ends_in_the_same_four_digits()
    {
        var s = await Scenario.Start(app, "campus");
        await s.ImportCsv(Roster.Csv(Roster.Row("0311", "换卡", "三年级", "2班", "家长", Phone())));
        var holder = (await s.Api.Get($"{s.Base}/campus/students/0311", s.AdminToken)).Expect(HttpStatusCode.OK)["cardHolderId"].GetValue<string>();
        var old = "8" + Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999);
        var current = "7" + old[1..]; // the same last 4 digits
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/replace-card", new { newCardNumber = old }, s.AdminToken)).Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/replace-card", new { newCardNumber = current }, s.AdminToken)).Expect(HttpStatusCode.OK);
        var gate = await s.Terminal("gate");
        string Body(string card) => System.Text.Json.JsonSerializer.Serialize(new { cardNumber = card, direction = "in" });

        var refused = (await s.Api.Signed(gate, "/api/v1/terminal/gate-taps", Body(old), "old")).Expect(HttpStatusCode.OK);
        Assert.Equal(("rejected", "card_lost"), (refused["status"].GetValue<string>(), refused["reason"].GetValue<string>()));
        var accepted = (await s.Api.Signed(gate, "/api/v1/terminal/gate-taps", Body(current), "current")).Expect(HttpStatusCode.OK);
        Assert.Equal("accepted", accepted["status"].GetValue<string>());
    }
}
