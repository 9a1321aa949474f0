using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using SceneFinance.AdminUi.Campus;
using SceneFinance.AdminUi.BackOffice;
using SceneFinance.AdminUi.Components;
using SceneFinance.AdminUi.Exports;
using SceneFinance.AdminUi.Live;
using SceneFinance.AdminUi.Shell;
using SceneFinance.Platform.Problems;
using SceneFinance.Tenants.SigningIn;

namespace SceneFinance.AdminUi;

public static class Configuration
{
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    const string Selector = "sf-auth";

    /// <summary>The Blazor admin shell (cookie sign-in) beside the API (bearer tokens): one policy scheme picks by the Authorization header.</summary>
    public static IServiceCollection AddAdminUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddMudServices();
        services.AddScoped<Text>();
        services.AddScoped<ShellEvents>();
        // Only the dashboard hub: Blazor's own circuit hub must not meet this filter.
        services.AddSignalR().AddHubOptions<DashboardHub>(o => o.AddFilter<DashboardAccess>());
        services.AddSingleton<LiveFigures>();
        services.AddSingleton<LiveLabels>();
        services.AddSingleton<LiveFeed>();
        services.AddSingleton<CommittedPayments>();
        services.AddHostedService(sp => sp.GetRequiredService<CommittedPayments>());
        services.AddSingleton<Risk.RiskFigures>().AddSingleton<Risk.RiskLive>().AddHostedService(sp => sp.GetRequiredService<Risk.RiskLive>());
        services.ConfigureMarten(opts => opts.Schema.For<AlertThresholds>());
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = Selector;
                o.DefaultChallengeScheme = Selector;
            })
            .AddCookie(CookieScheme, o =>
            {
                o.LoginPath = "/login";
                o.Cookie.Name = "sf.admin";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
            })
            // The API is for tokens only (a cookie there would invite cross-site requests); pages use the cookie.
            .AddPolicyScheme(Selector, Selector, o => o.ForwardDefaultSelector = http =>
                http.Request.Path.StartsWithSegments("/api") || http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? BearerTokenDefaults.AuthenticationScheme
                    : CookieScheme);
        return services;
    }

    // Only paths of this site: "/x" but not "//host" or "/\\host".
    static bool IsLocal(string url) => url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\");

    public static WebApplication MapAdminUi(this WebApplication app)
    {
        app.MapPost("/admin/login", async (HttpContext http, SignInCheck check) =>
        {
            // A form left open too long (or from another site) asks for a fresh one, not an error page.
            if (http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }) return Results.LocalRedirect("/login?error=expired");
            var form = await http.Request.ReadFormAsync();
            try
            {
                var user = await check.Verify(form["username"].ToString(), form["password"].ToString(), http.Connection.RemoteIpAddress?.ToString());
                await http.SignInAsync(CookieScheme, IssueToken.Principal(user, CookieScheme));
                var returnUrl = form["returnUrl"].ToString();
                return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl : "/");
            }
            catch (ProblemException e)
            {
                return Results.LocalRedirect(e.Code == ErrorCodes.RateLimited ? "/login?error=throttled" : "/login?error=1");
            }
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
        app.MapPost("/admin/logout", async (HttpContext http) =>
        {
            if (http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }) return Results.LocalRedirect("/");
            await http.SignOutAsync(CookieScheme);
            return Results.LocalRedirect("/login");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
        // The language is a preference, not a secret: a plain cookie for a year, then back where the person was.
        app.MapGet("/admin/language/{language}", (string language, string? returnUrl, HttpContext http) =>
        {
            http.Response.Cookies.Append(Text.Cookie, Text.Normalize(language),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, HttpOnly = true, IsEssential = true });
            return Results.LocalRedirect(returnUrl is not null && IsLocal(returnUrl) ? returnUrl : "/");
        }).ExcludeFromDescription();
        app.MapSpreadsheets();
        app.MapCampusPages();
        Risk.RiskExports.MapRiskExports(app);
        app.MapBackOfficeExports();
        Approvals.ApprovalExports.MapApprovalExports(app);
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        // For clients outside this server (a wall screen); the shell's own pages follow the figures in-process (LiveFeed).
        app.MapHub<DashboardHub>("/hubs/dashboard").RequireAuthorization().ExcludeFromDescription();
        return app;
    }
}
