using IronLb.Ipam;
using IronLb.Dapr;
using IronLb.ServiceDefaults;

// The ipam service on its own, as a Dapr app: state and pub/sub through its Dapr sidecar.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddDaprMessaging(builder.Configuration);
builder.AddIpam();

var app = builder.Build();
app.MapServiceDefaults();
app.MapDaprSubscriptions();
app.Run();
