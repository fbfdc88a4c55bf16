"""The personal API tokens of the account page (/tai-khoan/): create one (its secret shown once,
on the answer to the form) and revoke one. A user sees and revokes only their own tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chibo.api import forms, services
from chibo.api.models import ApiToken
from chibo.formhelpers import run_service


@login_required
@require_POST
def token_create(request):
    form = forms.TokenForm(request.POST)
    if form.is_valid():
        created = run_service(form, services.token_create, request.user, form.cleaned_data["name"])
        if created is not None:
            token, secret = created
            response = render(request, "api/token_created.html", {"token": token, "secret": secret})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "api/token_form.html", {"form": form}, status=400)


@login_required
@require_POST
def token_revoke(request, pk):
    token = ApiToken.objects.filter(pk=pk, user_id=request.user.pk).first()
    if token is None:
        raise Http404("Không tìm thấy khóa API")
    if run_service(request, services.token_revoke, token) is not None:
        messages.success(request, f"Đã thu hồi khóa API “{token.name}”.")
    return redirect("account")
