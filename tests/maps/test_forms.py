"""What a browser sends back for an untouched select must pass validation."""

from allervers.maps.forms import EntryForm, LinkForm


def test_unset_selects_round_trip(app):
    with app.test_request_context(method="POST"):
        form = EntryForm(formdata=None)
        rendered = str(form.position) + str(form.influence)
        assert 'value="None"' not in rendered
        assert '<option selected value="">' in rendered or 'value="" selected' in rendered
        link = LinkForm(formdata=None, structures=[(1, "A"), (2, "B")])
        for name in ("frequency", "feasibility", "desired_level", "trust_mission"):
            assert 'value="None"' not in str(link[name]), name
