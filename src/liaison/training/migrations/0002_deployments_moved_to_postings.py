# Instructor deployments moved to postings (postings.0002 copied them, with their history,
# under the same ids); training reads them there.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("postings", "0002_deployments_from_training"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="historicaldeployment",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicaldeployment",
            name="staff",
        ),
        migrations.DeleteModel(
            name="Deployment",
        ),
        migrations.DeleteModel(
            name="HistoricalDeployment",
        ),
    ]
