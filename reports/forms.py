import datetime
import hashlib

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.core.files.uploadhandler import FileUploadHandler

from accounts.models import Person
from roadmaps.models import Plan, WorkingGroup
from schnor_portal.optimistic_lock import VersionErrorsOnTop, VersionField, require_version_for
from schnor_portal.xlsx import MAX_UPLOAD_BYTES
from schools.models import SchoolList

from .models import Order, OrderAppendix, OrderPoint
from .verification_codes import EXAMPLE, normalise_code

DATE_WIDGET = forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric"})


def _row(*names, sizes=None):
    sizes = sizes or [12 // len(names)] * len(names)
    return Div(*[Div(name, css_class=f"col-md-{size}") for name, size in zip(names, sizes)], css_class="row")


class OrderForm(VersionErrorsOnTop, forms.ModelForm):
    """The order's requisites; points and appendices are edited on the order page."""

    version = VersionField()

    class Meta:
        model = Order
        fields = [
            "kind", "header", "date", "number", "place", "title", "preamble", "operative_word",
            "signatory_position", "signatory_name", "signatory",
            "approval_kind", "approval_position", "approval_name", "replaces", "voids",
        ]
        widgets = {
            "header": forms.Textarea(attrs={"rows": 4}),
            "title": forms.Textarea(attrs={"rows": 3}),
            "preamble": forms.Textarea(attrs={"rows": 6}),
            "date": DATE_WIDGET,
            "signatory_position": forms.TextInput(),
            "voids": forms.SelectMultiple(attrs={"size": 4}),
        }
        help_texts = {
            "header": "Строки шапки бланка, каждая с новой строки, как на бланке органа.",
            "operative_word": "У приказа — «ПРИКАЗЫВАЮ:». У распоряжения обычно нет: оставьте пустым.",
            "number": "Регистрационный номер, как его пишут: «87», «229-ра», «5.04.32-111-А/25». Можно указать перед подписанием.",
            "voids": "Признаются утратившими силу при подписании. Пункт «Признать утратившим силу…» добавит приказ сюда сам.",
            "replaces": "Если документ — новая редакция: прежний утратит силу при подписании.",
            "approval_kind": "Гриф утверждения ставится в правом верхнем углу приложения-плана.",
        }
        error_messages = {
            "title": {"required": "Введите заголовок к тексту: «Об утверждении …»."},
            "header": {"required": "Введите шапку бланка: наименование органа."},
            "signatory_position": {"required": "Укажите должность подписанта."},
            "signatory_name": {"required": "Укажите подписанта: «И.О. Фамилия»."},
            "date": {"invalid": "Дата в виде ДД.ММ.ГГГГ, например 04.04.2023."},
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        require_version_for(self, self.instance)
        others = Order.objects.filter(municipality=municipality).exclude(pk=self.instance.pk).order_by("-date", "-pk")
        self.fields["replaces"].queryset = others
        self.fields["voids"].queryset = others
        self.fields["signatory"].queryset = Person.objects.filter(municipality=municipality)
        self.fields["signatory"].help_text = "Необязательно: человек из справочника."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version",
            _row("kind", "date", "number", sizes=[4, 4, 4]),
            _row("header", "place", sizes=[8, 4]),
            "title",
            "preamble",
            "operative_word",
            Fieldset("Подпись", _row("signatory_position", "signatory_name", "signatory", sizes=[5, 4, 3])),
            Fieldset("Гриф «УТВЕРЖДАЮ» / «СОГЛАСОВАНО»", _row("approval_kind", "approval_position", "approval_name", sizes=[3, 5, 4])),
            Fieldset("Связи с другими документами", _row("replaces", "voids")),
        )
        self.helper.add_input(Submit("save", "Сохранить"))

    def clean(self):
        cleaned = super().clean()
        kind, word = cleaned.get("kind"), (cleaned.get("operative_word") or "").strip()
        if kind == Order.Kind.ORDER and not word:
            self.add_error("operative_word", "У приказа распорядительная часть начинается словом «ПРИКАЗЫВАЮ:».")
        if kind == Order.Kind.DIRECTIVE and word.upper().startswith("ПРИКАЗЫВАЮ"):
            self.add_error("operative_word", "В распоряжении не пишут «ПРИКАЗЫВАЮ:»: оставьте поле пустым.")
        if cleaned.get("approval_kind") and not (cleaned.get("approval_position") and cleaned.get("approval_name")):
            self.add_error("approval_name", "Для грифа укажите должность и И.О. Фамилию утверждающего.")
        date = cleaned.get("date")
        replaces = cleaned.get("replaces")
        if replaces and date and replaces.date and replaces.date > date:
            self.add_error("replaces", "Заменяемый документ издан позже этого: проверьте даты.")
        for voided in cleaned.get("voids") or []:
            if date and voided.date and voided.date > date:
                self.add_error("voids", f"{voided} издан позже этого документа: признать его утратившим силу нельзя.")
        if replaces and replaces in (cleaned.get("voids") or []):
            self.add_error("voids", "Заменяемый документ и так утратит силу: уберите его из этого списка.")
        return cleaned

    def service_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "voids")}


class PointForm(forms.ModelForm):
    void_order = forms.ModelChoiceField(queryset=Order.objects.none(), required=False, widget=forms.HiddenInput)
    approve_plan = forms.ModelChoiceField(queryset=Plan.objects.none(), required=False, widget=forms.HiddenInput)

    class Meta:
        model = OrderPoint
        fields = ["number", "text", "responsible", "responsible_text", "deadline_text", "due_date"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4}), "due_date": DATE_WIDGET}
        help_texts = {
            "responsible": "Если указаны ответственный и срок, пункт на контроле: ответственный отчитывается в портале.",
            "deadline_text": "Как в тексте пункта: «в срок до 17.04.2023 года».",
        }
        error_messages = {
            "text": {"required": "Введите текст пункта."},
            "number": {"required": "Укажите номер пункта."},
            "due_date": {"invalid": "Дата в виде ДД.ММ.ГГГГ, например 17.04.2023."},
        }

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.fields["responsible"].queryset = Person.objects.filter(municipality_id=order.municipality_id)
        self.fields["void_order"].queryset = Order.objects.filter(municipality_id=order.municipality_id).exclude(pk=order.pk)
        self.fields["approve_plan"].queryset = Plan.objects.filter(municipality_id=order.municipality_id).exclude(
            status=Plan.Status.SUPERSEDED
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "void_order",
            "approve_plan",
            _row("number", sizes=[2]),
            "text",
            Fieldset("Контроль исполнения (необязательно)", _row("responsible", "responsible_text", sizes=[5, 7]), _row("deadline_text", "due_date", sizes=[7, 5])),
        )
        self.helper.add_input(Submit("save", "Сохранить пункт"))

    def clean_number(self):
        number = self.cleaned_data["number"]
        if number is not None and self.order.points.filter(number=number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"Пункт № {number} уже есть.")
        return number

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("due_date") and not (cleaned.get("responsible") or cleaned.get("responsible_text")):
            self.add_error("responsible", "Для пункта со сроком укажите ответственного.")
        if cleaned.get("responsible") and not cleaned.get("responsible_text"):
            cleaned["responsible_text"] = cleaned["responsible"].short_name
        return cleaned

    def service_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k not in ("void_order", "approve_plan")}


class AppendixForm(forms.ModelForm):
    class Meta:
        model = OrderAppendix
        # No number: appendices are numbered by the portal in their order («приложение 1», «2», …;
        # a single one is not numbered), so a second appendix never blocks signing.
        fields = ["position", "kind", "title", "plan", "working_group", "school_list", "text"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2}), "text": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "position": "Порядок приложений; номера («приложение 1», «приложение 2») портал ставит сам, одно приложение не нумеруется.",
            "plan": "Для плана и для списка кластеров.",
            "title": "Пусто — возьмётся наименование плана или рабочей группы.",
        }
        error_messages = {"kind": {"required": "Выберите вид приложения."}, "position": {"required": "Укажите порядок."}}

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        municipality_id = order.municipality_id
        self.fields["plan"].queryset = Plan.objects.filter(municipality_id=municipality_id).exclude(status=Plan.Status.SUPERSEDED)
        self.fields["working_group"].queryset = WorkingGroup.objects.filter(municipality_id=municipality_id)
        self.fields["school_list"].queryset = SchoolList.objects.filter(municipality_id=municipality_id)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            _row("position", "kind", sizes=[3, 9]),
            "title",
            _row("plan", "working_group", "school_list"),
            "text",
        )
        self.helper.add_input(Submit("save", "Сохранить приложение"))

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        needed = {
            OrderAppendix.Kind.PLAN: "plan",
            OrderAppendix.Kind.CLUSTER_LIST: "plan",
            OrderAppendix.Kind.WORKING_GROUP: "working_group",
            OrderAppendix.Kind.SCHOOL_LIST: "school_list",
        }
        # The model's clean() asks for the object of the kind; only that object is kept: a stale
        # choice in another field is dropped.
        keep = needed.get(kind)
        for name in ("plan", "working_group", "school_list"):
            if name != keep:
                cleaned[name] = None
        return cleaned


class ReportForm(forms.Form):
    period_start = forms.DateField(label="Период с", widget=DATE_WIDGET, error_messages={"required": "Укажите начало периода.", "invalid": "Дата в виде ДД.ММ.ГГГГ."})
    period_end = forms.DateField(label="по", widget=DATE_WIDGET, error_messages={"required": "Укажите конец периода.", "invalid": "Дата в виде ДД.ММ.ГГГГ."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(_row("period_start", "period_end"), HTML(""))
        self.helper.add_input(Submit("make", "Сформировать PDF"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "Конец периода раньше начала.")
        if start and end and (end - start) > datetime.timedelta(days=3 * 366):
            self.add_error("period_end", "Период не длиннее трёх лет.")
        return cleaned


class PointReportForm(forms.Form):
    report_text = forms.CharField(
        label="Что сделано", widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}), error_messages={"required": "Напишите, что сделано."}
    )


# --- Public verification ----------------------------------------------------------------------

VERIFY_UPLOAD_MAX_MB = 30
VERIFY_UPLOAD_MAX_BYTES = VERIFY_UPLOAD_MAX_MB * 1024 * 1024


class VerificationCodeForm(forms.Form):
    code = forms.CharField(
        label="Код проверки",
        max_length=64,
        help_text=(
            f"20 латинских букв и цифр рядом с QR-кодом внизу каждой страницы документа, например {EXAMPLE}. "
            "Заглавными или строчными, с дефисами или без — неважно."
        ),
        error_messages={"required": "Введите код проверки.", "max_length": "Код проверки — 20 знаков, а введено больше."},
        widget=forms.TextInput(
            attrs={"class": "form-control font-monospace", "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                "Такого кода не бывает: в нём 20 латинских букв и цифр, букв I, L, O и U нет. Сверьте код с бумагой.",
                code="invalid",
            )
        return code


class HashedUpload:
    """All the verification page keeps of an uploaded file: its name, size and SHA-256, no content."""

    def __init__(self, *, name: str, size: int, sha256: str | None):
        self.name, self.size, self.sha256 = name, size, sha256


class Sha256UploadHandler(FileUploadHandler):
    """Hash an uploaded file chunk by chunk as it arrives and drop each chunk.

    Django's own handlers keep a file in memory or write it to a temporary file; this one keeps
    neither, so a file sent for verification is nowhere on the server, not even for a moment. Past
    the cap the rest is read but not hashed (the view refuses a longer body before reading it).
    """

    def __init__(self, request=None, *, max_bytes: int = VERIFY_UPLOAD_MAX_BYTES):
        super().__init__(request)
        self.max_bytes = max_bytes

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.digest = hashlib.sha256()
        self.size = 0

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        if self.size <= self.max_bytes:
            self.digest.update(raw_data)
        return None

    def file_complete(self, file_size):
        too_large = self.size > self.max_bytes
        return HashedUpload(name=self.file_name, size=self.size, sha256=None if too_large else self.digest.hexdigest())


class OrderFileCheckForm(forms.Form):
    file = forms.FileField(
        label="Файл для сверки",
        help_text=(
            f"PDF, выгруженный из портала или полученный от органа, не больше {VERIFY_UPLOAD_MAX_MB} МБ. "
            "Файл не сохраняется: портал только вычисляет его SHA-256 и сравнивает с записанным при подписании."
        ),
        error_messages={"required": "Выберите файл.", "empty": "Файл пустой.", "invalid": "Файл не получен. Выберите его ещё раз."},
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ".pdf,application/pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > VERIFY_UPLOAD_MAX_BYTES or getattr(upload, "sha256", None) is None:
            raise forms.ValidationError(f"Файл больше {VERIFY_UPLOAD_MAX_MB} МБ: такие не сверяются.", code="too_large")
        return upload


class OrderImportForm(forms.Form):
    """The signed order as a Word file; reading it is reports.order_import.order_file_parse."""

    file = forms.FileField(
        label="Файл приказа",
        help_text="Документ Word (.docx): приказ или распоряжение целиком, с приложениями, до 10 МБ.",
        error_messages={"required": "Выберите файл.", "empty": "Файл пустой.", "invalid": "Файл не получен: выберите его ещё раз."},
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".docx"):
            raise forms.ValidationError("Загрузите документ Word (.docx).")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"Файл больше {MAX_UPLOAD_BYTES // (1024 * 1024)} МБ.")
        return upload
