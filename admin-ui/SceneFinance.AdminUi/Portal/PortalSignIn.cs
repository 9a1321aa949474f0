using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Problems;
using SceneFinance.Tenants.SigningIn.OneTimeCodes;

namespace SceneFinance.AdminUi.Portal;

/// <summary>
/// The portal's sign-in by phone and SMS code (plain form posts that set the cookie, like the shell's own sign-in), through the same
/// <see cref="PhoneSignIn"/> as the API's <c>/auth/phone-token</c>. Nobody creates an account or a password for a guardian.
/// The patient's pages sign in through the same two posts (their forms say <c>portal=patient</c>: back to <c>/patient/login</c>,
/// then to <c>/patient</c>): one code signs a phone in as whatever the tenants know it as.
/// </summary>
public static class PortalSignIn
{
    public static IEndpointRouteBuilder MapPortalSignIn(this IEndpointRouteBuilder app)
    {
        app.MapPost("/portal/login/code-request", async (HttpContext http, PhoneSignIn signIn) =>
        {
            if (http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }) return Back(null, "expired");
            var form = await http.Request.ReadFormAsync();
            var phone = form["phone"].ToString().Trim();
            var portal = PortalOf(form["portal"]);
            try
            {
                var sent = await signIn.SendCode(phone, PhoneSignIn.Sms);
                return Back(phone, sent.Refusal?.Code == ErrorCodes.RateLimited ? "throttled" : null, sent: !sent.Refused, portal);
            }
            catch (ProblemException)
            {
                return Back(phone, "phone", portal: portal);
            }
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/portal/login/code", async (HttpContext http, PhoneSignIn signIn) =>
        {
            if (http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }) return Back(null, "expired");
            var form = await http.Request.ReadFormAsync();
            var phone = form["phone"].ToString().Trim();
            var portal = PortalOf(form["portal"]);
            try
            {
                var signedIn = await signIn.SignIn(phone, form["code"].ToString().Trim(), Configuration.CookieScheme);
                if (signedIn.Refusal is { } refused) return Back(phone, refused.Code == ErrorCodes.RateLimited ? "throttled" : "code", sent: true, portal);
                await http.SignInAsync(Configuration.CookieScheme, signedIn.Value!);
                return Results.LocalRedirect(portal);
            }
            catch (ProblemException)
            {
                return Back(phone, "code", sent: true, portal);
            }
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>Which portal's pages the form came from: the patient's, or (anything else) the parent portal.</summary>
    static string PortalOf(string? portal) => portal == "patient" ? "/patient" : "/portal";

    static IResult Back(string? phone, string? error, bool sent = false, string portal = "/portal") =>
        Results.LocalRedirect($"{portal}/login?phone={Uri.EscapeDataString(phone ?? "")}{(sent ? "&sent=1" : "")}{(error is null ? "" : "&error=" + error)}");
}
