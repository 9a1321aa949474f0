using SceneFinance.Platform.Http;
using SceneFinance.Platform.Outcomes;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Tests.Platform;

/// <summary>Field errors carry a kind for pages beside the contract's English message for API clients, whose <c>errors</c> stay field → messages.</summary>
public sealed class ValidationTests
{
    static ProblemException Failed(Validation v) => Assert.Throws<ProblemException>(v.ThrowIfInvalid);

    [Fact]
    public void Each_check_says_its_kind_and_the_api_keeps_its_messages()
    {
        var e = Failed(new Validation()
            .Text("", "name", 10)
            .Text(new string('x', 11), "externalId", 10)
            .OneOf("bank", "kind", "campus", "hospital")
            .Require(false, "phone", "phone must be 8 to 20 digits."));

        Assert.Equal((400, ErrorCodes.ValidationFailed), (e.Status, e.Code));
        Assert.Equal(new FieldError(FieldErrorKind.Required, "name is required."), Assert.Single(e.Fields!["name"]));
        Assert.Equal(new FieldError(FieldErrorKind.TooLong, "externalId must be at most 10 characters.", 10), Assert.Single(e.Fields!["externalId"]));
        Assert.Equal(FieldErrorKind.OneOf, Assert.Single(e.Fields!["kind"]).Kind);
        Assert.Equal(FieldErrorKind.Invalid, Assert.Single(e.Fields!["phone"]).Kind);

        var errors = Assert.IsType<Dictionary<string, string[]>>(e.ToProblem().Extensions["errors"]);
        Assert.Equal(["name is required."], errors["name"]);
        Assert.Equal(["externalId must be at most 10 characters."], errors["externalId"]);
        Assert.Equal(["kind must be one of: campus, hospital."], errors["kind"]);
        Assert.Equal(["phone must be 8 to 20 digits."], errors["phone"]);
    }

    [Fact]
    public void A_taken_value_is_a_conflict_on_its_field_that_pages_know_as_already_in_use()
    {
        var e = Refusal.Taken("cardNumber", "This card number is already in use in the tenant.").ToException();
        Assert.Equal((409, ErrorCodes.Conflict), (e.Status, e.Code));
        Assert.Equal(["already in use"], e.Errors!["cardNumber"]);
        Assert.Equal(FieldErrorKind.AlreadyInUse, Assert.Single(e.Fields!["cardNumber"]).Kind);

        var username = Refusal.Taken("username", "This username is taken.", "already taken").ToException();
        Assert.Equal(["already taken"], username.Errors!["username"]); // the contract's words stay as they were
        Assert.Equal(FieldErrorKind.AlreadyInUse, Assert.Single(username.Fields!["username"]).Kind);
    }

    [Fact]
    public void Messages_without_a_kind_are_said_as_they_are()
    {
        var e = new ProblemException(400, ErrorCodes.ValidationFailed, "The request is not valid.", new() { ["body"] = ["The body must be JSON."] });
        Assert.Equal(FieldError.Invalid("The body must be JSON."), Assert.Single(e.Fields!["body"]));
        Assert.Null(new ProblemException(409, ErrorCodes.Conflict, "No.").Fields);
    }
}
