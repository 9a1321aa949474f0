using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.AdminUi;

/// <summary>The shell's few plain endpoints: bad input sends the person back to a page, never to an error page.</summary>
[Collection(SharedApp.Name)]
public sealed class ShellEndpointSpecs(SceneApp app)
{
    HttpClient Client() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task A_sign_in_form_without_a_valid_antiforgery_token_asks_to_sign_in_again()
    {
        var answer = await Client().PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "admin", ["password"] = SceneApp.AdminPassword, ["__RequestVerificationToken"] = "stale",
        }));
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/login?error=expired", answer.Headers.Location?.OriginalString);
        Assert.DoesNotContain(answer.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("sf.admin=")));
    }

    [Fact]
    public async Task The_language_is_a_cookie_and_the_way_back_stays_on_this_site()
    {
        var english = await Client().GetAsync("/admin/language/en?returnUrl=/tenants");
        Assert.Equal("/tenants", english.Headers.Location?.OriginalString);
        Assert.Contains(english.Headers.GetValues("Set-Cookie"), v => v.StartsWith("sf.lang=en"));

        var elsewhere = await Client().GetAsync("/admin/language/xx?returnUrl=//evil.example/");
        Assert.Equal("/", elsewhere.Headers.Location?.OriginalString);
        Assert.Contains(elsewhere.Headers.GetValues("Set-Cookie"), v => v.StartsWith("sf.lang=zh-CN"));
    }

    [Fact]
    public async Task Exports_need_a_signed_in_person()
    {
        var answer = await Client().GetAsync("/admin/export/tenants.xlsx");
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.StartsWith("/login", answer.Headers.Location?.AbsolutePath ?? "");
    }
}
