// Lets WebApplicationFactory<Program> find this host from the tests.
public partial class Program;
