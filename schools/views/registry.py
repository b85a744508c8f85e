from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from ..access import get_school_for_user
from ..selectors import school_card, school_list_for_user

SCHOOLS_PER_PAGE = 50


@login_required
def school_list(request):
    schools = school_list_for_user(user=request.user)
    page = Paginator(schools, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "schools/school_list.html", {"page": page, "schools": page.object_list})


@login_required
def school_detail(request, pk):
    school = get_school_for_user(request.user, pk)
    return render(request, "schools/school_detail.html", {"school": school, **school_card(school=school)})
