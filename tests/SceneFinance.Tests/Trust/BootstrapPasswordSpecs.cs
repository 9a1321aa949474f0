using System.Net;
using Microsoft.AspNetCore.Hosting;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Trust;

/// <summary>The product started without a configured admin password: it generates one, prints it once and keeps it in the data folder.</summary>
public sealed class GeneratedAdminApp : SceneApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("SceneFinance:BootstrapAdminPassword", "");
    }
}

/// <summary>
/// A generated bootstrap password must be changed at the first sign-in and its file goes after that; the admin's API tokens
/// work before and after, so automation does not break. A configured password is the operator's choice: not forced.
/// </summary>
public sealed class BootstrapPasswordSpecs(GeneratedAdminApp app) : IClassFixture<GeneratedAdminApp>
{
    [Fact]
    public async Task A_generated_password_must_be_changed_and_its_file_goes_while_the_tokens_keep_working()
    {
        var api = app.Api();
        var file = Path.Combine(app.DataPath, "admin-password.txt");
        var generated = (await File.ReadAllTextAsync(file)).Trim();
        var signedIn = (await api.Post("/api/v1/auth/token", new { username = "admin", password = generated }, null)).Expect(HttpStatusCode.OK);
        var token = signedIn["accessToken"].GetValue<string>();
        (await api.Post("/api/v1/tenants", new { name = "Automation", kind = "campus" }, token)).Expect(HttpStatusCode.Created);

        // The shell sends a person with a generated password to choose another before anything else.
        var shell = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var login = await SignInToShell(shell, generated);
        Assert.Equal("/account/password?required=true", login.Headers.Location?.OriginalString);

        (await api.Post("/api/v1/auth/password", new { currentPassword = generated, newPassword = "Chosen-Passw0rd-1" }, token)).Expect(HttpStatusCode.OK);
        Assert.False(File.Exists(file));
        (await api.Post("/api/v1/tenants", new { name = "Automation 2", kind = "campus" }, token)).Expect(HttpStatusCode.Created);
        (await api.Post("/api/v1/auth/token", new { username = "admin", password = generated }, null)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await api.Token("admin", "Chosen-Passw0rd-1");
        Assert.Equal("/", (await SignInToShell(app.CreateClient(new() { AllowAutoRedirect = false }), "Chosen-Passw0rd-1")).Headers.Location?.OriginalString);
    }

    /// <summary>The sign-in form as a browser posts it (with its antiforgery token); answers the redirect.</summary>
    internal static async Task<HttpResponseMessage> SignInToShell(HttpClient shell, string password, string username = "admin")
    {
        var form = await shell.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        if (token.Length == 0) token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        return await shell.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["username"] = username, ["password"] = password, ["returnUrl"] = "/",
        }));
    }
}

[Collection(SharedApp.Name)]
public sealed class ConfiguredPasswordSpecs(SceneApp app)
{
    [Fact]
    public async Task A_configured_password_is_not_forced_to_change()
    {
        var shell = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var login = await BootstrapPasswordSpecs.SignInToShell(shell, SceneApp.AdminPassword);
        Assert.Equal("/", login.Headers.Location?.OriginalString);
        Assert.False(File.Exists(Path.Combine(app.DataPath, "admin-password.txt")));
    }
}
